/**
 * Seeded fault injection. One draw per eligible request, in arrival order, so a seed and a
 * request order give the same faults every time. Probabilities stack: [500 | 503 | reset | appliedLost | none].
 */
import type { FaultConfig } from '../config.js';
import type { FaultKind } from '../types.js';

export function faultEligible(cfg: FaultConfig, isWrite: boolean): boolean {
  return cfg.scope === 'all' || isWrite;
}

export function anyFaults(cfg: FaultConfig): boolean {
  return cfg.rate500 > 0 || cfg.rate503 > 0 || cfg.reset > 0 || cfg.appliedLost > 0;
}

export function decideFault(cfg: FaultConfig, draw: number): FaultKind | null {
  let edge = cfg.rate500;
  if (draw < edge) return 'http500';
  edge += cfg.rate503;
  if (draw < edge) return 'http503';
  edge += cfg.reset;
  if (draw < edge) return 'reset';
  edge += cfg.appliedLost;
  if (draw < edge) return 'appliedLost';
  return null;
}
