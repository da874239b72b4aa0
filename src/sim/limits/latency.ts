/** Response latency: a fixed number of ms, or uniform in [min, max] from the seeded draw. */
import type { LatencyConfig } from '../config.js';

export function latencyFor(cfg: LatencyConfig, draw: () => number): number {
  if (typeof cfg === 'number') return cfg;
  if (cfg.max <= cfg.min) return cfg.min;
  return cfg.min + Math.floor(draw() * (cfg.max - cfg.min + 1));
}
