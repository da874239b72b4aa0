import type { Command } from 'commander';
import { ACTION_DEFAULTS, startRun } from '../app/action.js';
import { reportItem } from '../engine/report.js';
import { SswsAuth } from '../okta/auth.js';
import { parseOrgUrl } from '../okta/org-url.js';
import type { Simulator } from '../sim/index.js';
import { finishCommand } from './run-command.js';

/**
 * The original use case on a demo org: a group of users is locked out; the analyst gathers them in
 * a data collection (as ids, logins, shortnames and emails), runs Unlock User, and they are active.
 */
export function demoCollection(sim: Simulator): string[] {
  const locked = sim.users().filter((u) => u.status === 'LOCKED_OUT');
  const forms = locked.map((u, i) => {
    const login = u.profile.login;
    if (i % 4 === 0) return u.id;
    if (i % 4 === 1) return login;
    if (i % 4 === 2) return login.split('@')[0] as string;
    return u.profile.email;
  });
  const active = sim.users().find((u) => u.status === 'ACTIVE' && u.id !== sim.adminUserId);
  return [...forms, ...(active ? [active.profile.login] : []), 'former.employee@example.com', locked[0]?.profile.login ?? 'x'];
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('unlock a collection of locked-out users on an embedded demo Okta org, and show the result')
    .option('--report <file>', 'also write the report to FILE (.json or .csv)')
    .action(async (flags: { report?: string }) => {
      const { startSimulator } = await import('../sim/index.js');
      const sim = await startSimulator({ users: 200, seed: 7, latencyMs: 20 });
      try {
        const identities = demoCollection(sim);
        process.stderr.write(`Demo org ${sim.url}: data collection "Locked-out users" with ${identities.length} identities; running Unlock User…\n`);
        const auth = new SswsAuth(sim.token);
        const done = await startRun({ org: parseOrgUrl(sim.url), auth }, { ...ACTION_DEFAULTS, action: 'unlock' }, identities, null);
        const rows = [...done.items()].map((i) => reportItem(i));
        const table = rows.map((r) => `${String(r.input).padEnd(34)} ${String(r.statusBefore ?? '-').padEnd(12)} → ${String(r.statusAfter ?? '-').padEnd(12)} ${r.outcome}`);
        process.stdout.write(`${'identity'.padEnd(34)} ${'before'.padEnd(12)}   ${'after'.padEnd(12)} outcome\n${table.join('\n')}\n`);
        const stillLocked = sim.users().filter((u) => u.status === 'LOCKED_OUT').length;
        process.stderr.write(`Users still LOCKED_OUT in the demo org: ${stillLocked}\n`);
        await finishCommand(done, flags.report, auth.secrets(), false);
        // A demo shows mixed outcomes on purpose (an unknown user, a duplicate); it succeeded if it ran.
        process.exitCode = 0;
      } finally {
        await sim.close();
      }
    });
}
