/** Runs one benchmark strategy in this process and prints one JSON line with its figures. */
import { procCpuMs } from './lib/proc-cpu.js';
import { parallel75, rawUndici, sequential, type BenchParams } from './strategies/baselines.js';
import { officialSdk } from './strategies/sdk.js';
import { oktaAction, type OktaActionParams } from './strategies/okta-action.js';

const [strategy = '', json = '{}'] = process.argv.slice(2);
const params = JSON.parse(json) as OktaActionParams;
const strategies: Record<string, (p: OktaActionParams) => Promise<{ outcomes: Record<string, number>; errors: number; rateLimited: number; extra?: Record<string, unknown> }>> = {
  'okta-action': oktaAction,
  sequential: (p: BenchParams) => sequential(p),
  sdk: (p: BenchParams) => officialSdk(p),
  'parallel-75': (p: BenchParams) => parallel75(p),
  'raw-undici': (p: BenchParams) => rawUndici(p),
  'raw-dispatch': (p: BenchParams) => rawUndici(p, 'dispatch'),
};
const fn = strategies[strategy];
if (!fn) throw new Error(`unknown strategy ${strategy}`);
// CPU of this thread alone: the event loop that drives the strategy's requests.
const threadCpuMs = () => procCpuMs('/proc/thread-self/stat');
const main0 = threadCpuMs();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const tally = await fn(params);
const elapsedMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const main1 = threadCpuMs();
process.stdout.write(
  `${JSON.stringify({
    strategy,
    elapsedMs: Math.round(elapsedMs),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    mainCpuMs: main0 === null || main1 === null ? null : main1 - main0,
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    outcomes: tally.outcomes,
    errors: tally.errors,
    extra: { rateLimited: tally.rateLimited, ...tally.extra },
  })}\n`,
);
process.exit(0);
