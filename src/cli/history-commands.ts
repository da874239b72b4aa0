import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { auditJsonl } from '../app/audit.js';
import { execute, startRun } from '../app/action.js';
import { closeAuth, resolveAuthFromFlags, verifyCredentials, type AuthFlags, type AuthPurpose } from '../app/credentials.js';
import type { Item } from '../engine/types.js';
import { assertNotUndone, expectedStatuses, notRestoredNotes, shownStatus, storedOrg, storedReportHeader, planStoredUndo, runInfoOrThrow, runToResume, settingsOf, type UndoPlan } from '../app/history.js';
import { storedSource } from '../app/keeper.js';
import { writeReport } from '../engine/report.js';
import { unsettledCount } from '../engine/source.js';
import { UsageError } from '../okta/errors.js';
import { getOperation } from '../okta/lifecycle.js';
import type { AuthProvider } from '../okta/auth.js';
import { parseOrgUrl } from '../okta/org-url.js';
import { addAuthOptions } from './auth-options.js';
import { confirmUndo } from './confirm.js';
import { wholeNumber } from './options.js';
import { finishCommand, withRunSignals } from './run-command.js';
import { assertReportWritable, writeLines } from './output.js';
import { openStore, storeOption, storePath } from './store-option.js';

interface StoreFlags extends AuthFlags {
  store?: string;
  report?: string;
}


/** Before an undo: the users it cannot put back exactly, so the analyst can follow up (e.g. expire_password). */
function warnNotRestored(plan: UndoPlan, runId: string, items: Iterable<Item>): void {
  for (const note of notRestoredNotes(plan.operation, runId, items)) process.stderr.write(`Note: ${note}\n`);
}

export function registerHistory(program: Command): void {
  addAuthOptions(program.command('resume [runId]'))
    .description('finish an unfinished run (default: the latest); nothing is lost or sent twice')
    .option('--report <file>', 'write the report to FILE (.json or .csv)')
    .addOption(storeOption())
    .action(async (runId: string | undefined, flags: StoreFlags) => {
      const opened = openStore(flags, { existing: true });
      let auth: AuthProvider | null = null;
      try {
        const run = runToResume(opened.store, runId);
        const settings = settingsOf(run.header);
        // The org is the run's, so the credentials are resolved once the run is known.
        const purpose: AuthPurpose = run.header.dryRun ? 'read' : 'write';
        const needs = { groups: settings.protect.groups.length > 0 };
        const a = (auth = resolveAuthFromFlags(flags, process.env, storedOrg(run.header.org), purpose, needs));
        await verifyCredentials(a, purpose, needs);
        const expected = settings.undoOf ? expectedStatuses(planStoredUndo(opened.store, settings.undoOf)) : undefined;
        const source = storedSource(opened.store, run.header.id);
        // Held by a live process: the lease refuses it below, with no "Resuming" line first.
        if (!opened.store.isRunHeld(run.header.id))
          process.stderr.write(`Resuming run ${run.header.id} (${run.header.action} on ${run.header.org}): ${unsettledCount(source)} of ${source.total} identities left.\n`);
        process.exitCode = await withRunSignals(source.total, (cb) =>
          execute({ org: storedOrg(run.header.org), auth: a }, settings, run.header, source, opened.keeper, { ...cb, expected }).then((done) => finishCommand(done, flags.report, a.secrets())),
        );
      } finally {
        opened.close();
        if (auth) await closeAuth(auth);
      }
    });

  program
    .command('runs')
    .description('list runs, newest first')
    .option('--json', 'print JSON')
    .option('--limit <n>', 'at most N runs', wholeNumber('--limit', 1), 50)
    .addOption(storeOption())
    .action((flags: StoreFlags & { json?: boolean; limit: number }) => {
      // No store yet is no runs yet; a missing store is never created just to list it.
      if (!existsSync(storePath(flags))) {
        if (flags.json) return void process.stdout.write('[]\n');
        return void process.stderr.write(`No runs in ${storePath(flags)}.\n`);
      }
      const opened = openStore(flags, { readonly: false });
      try {
        // 'running' in the store is 'unfinished': without a live holder the run was interrupted (as its report says).
        const runs = opened.store.listRuns({ limit: flags.limit }).map((r) => ({ ...r, status: shownStatus(opened.store, r.id, r.status) }));
        if (flags.json) return void process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
        const rows = runs.map((r) => {
          const counts = Object.entries(r.counts).map(([k, v]) => `${k}:${v}`).join(' ');
          return `${r.id}  ${r.startedAt.slice(0, 19).replace('T', ' ')}  ${(r.dryRun ? `plan ${r.action}` : r.action).padEnd(16)} ${r.status.padEnd(9)} ${String(r.total).padStart(6)}  ${counts}  ${r.actor ?? ''}`;
        });
        process.stdout.write(`${['run id                                started              action           status     total  outcomes', ...rows].join('\n')}\n`);
      } finally {
        opened.close();
      }
    });

  program
    .command('show <runId>')
    .description("reproduce a past run's report")
    .option('--report <file>', 'write the report to FILE (.json or .csv); default: JSON on stdout')
    .addOption(storeOption())
    .action(async (runId: string, flags: StoreFlags) => {
      const opened = openStore(flags, { existing: true });
      try {
        const run = runInfoOrThrow(opened.store, runId);
        const header = storedReportHeader(opened.store, run);
        await writeReport(flags.report ?? '-', header, opened.store.iterateItems(runId));
      } finally {
        opened.close();
      }
    });

  addAuthOptions(program.command('undo <runId>'))
    .description('apply the inverse operation (suspend ↔ unsuspend) to the users a run changed, where their status is still what the run left')
    .option('--yes', 'do not ask for confirmation')
    .option('--report <file>', 'write the report to FILE (.json or .csv)')
    .addOption(storeOption())
    .action(async (runId: string, flags: StoreFlags & { yes?: boolean; report?: string }) => {
      assertReportWritable(flags.report);
      const opened = openStore(flags, { existing: true });
      let auth: AuthProvider | null = null;
      try {
        const plan = planStoredUndo(opened.store, runId);
        assertNotUndone(opened.store, runId);
        const { run } = plan;
        if (!plan.targets.length) throw new UsageError(`Run ${runId} changed no users; nothing to undo.`);
        const settings = { ...settingsOf(run.header), action: plan.operation, dryRun: false, maxChanges: null, undoOf: runId, objectsPerRun: Math.max(plan.targets.length, 1) };
        const needs = { groups: settings.protect.groups.length > 0 };
        const a = (auth = resolveAuthFromFlags(flags, process.env, storedOrg(run.header.org), 'write', needs));
        await verifyCredentials(a, 'write', needs);
        await confirmUndo(`Undo of run ${runId} (${getOperation(plan.operation)!.label})`, plan.targets.length, { yes: Boolean(flags.yes), inputIsStdin: false });
        const expected = expectedStatuses(plan);
        warnNotRestored(plan, runId, opened.store.iterateItems(runId, 'changed'));
        process.exitCode = await withRunSignals(plan.targets.length, (cb) =>
          startRun({ org: storedOrg(run.header.org), auth: a }, settings, plan.targets.map((t) => t.userId), opened.keeper, { ...cb, expected, parentRunId: runId, actor: process.env.USER ?? null }).then((done) =>
            finishCommand(done, flags.report, a.secrets()),
          ),
        );
      } finally {
        opened.close();
        if (auth) await closeAuth(auth);
      }
    });

  program
    .command('audit <runId>')
    .description("export a run's request log (method, route, status, x-okta-request-id, attempt, wait, timing) for a SIEM")
    .option('--format <format>', 'jsonl', 'jsonl')
    .addOption(storeOption())
    .action(async (runId: string, flags: StoreFlags & { format: string }) => {
      if (flags.format !== 'jsonl') throw new UsageError('--format must be jsonl.');
      const opened = openStore(flags, { existing: true });
      try {
        const run = runInfoOrThrow(opened.store, runId);
        // Read from the store only as fast as the reader takes the lines: a large run's log is never held in memory.
        await writeLines(auditJsonl({ runId, action: run.header.action, org: run.header.org, actor: run.header.actor ?? null }, opened.store.events(runId)));
      } finally {
        opened.close();
      }
    });
}
