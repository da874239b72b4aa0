/** Figures from other parts of the product (console, OAuth), measured in the same benchmark run. */
import { measureConsole } from '../../src/server/measure.js';

const fmt = (n: number, d = 1) => n.toFixed(d);

async function consoleSection(): Promise<string> {
  process.stderr.write('Console: a run of 10,000 identities\n');
  const m = await measureConsole({ identities: 10_000, action: 'suspend', concurrency: 20 });
  return `## Console — a run of 10,000 identities through the HTTP API (simulator: zero latency, unlimited buckets)

| figure | measured | target |
|---|---|---|
| whole run (suspend, concurrency 20) | ${fmt(m.runMs / 1000)} s | – |
| results page: run detail + first page of 100 items | ${fmt(m.resultsPageMs)} ms (detail ${fmt(m.runDetailMs)} ms, items ${fmt(m.firstPageMs)} ms) | < 1,000 ms |
| first page filtered by outcome | ${fmt(m.firstFilteredPageMs)} ms | – |
| live progress stream | ${m.sse.messages} messages in ${fmt(m.sse.durationMs / 1000)} s = ${fmt(m.sse.perSecond, 2)}/s, at most ${m.sse.maxInAnySecond} in any second | < 5 per second |
`;
}

export async function extraSections(want: (s: string) => boolean): Promise<[string, string][]> {
  const out: [string, string][] = [];
  if (want('console')) out.push(['console', await consoleSection()]);
  if (want('auth')) {
    try {
      const { authCostSection } = await import('./auth-cost.js');
      out.push(['auth', await authCostSection()]);
    } catch (err) {
      out.push(['auth', `## Authentication cost\n\nNot measured: ${(err as Error).message}\n`]);
    }
  }
  return out;
}
