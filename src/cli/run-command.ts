import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { ACTION_DEFAULTS, startRun, validateSettings, type ActionSettings, type CompletedRun, type RunCallbacks } from '../app/action.js';
import { assertContinuable, deferredInputs, runInfoOrThrow, settingsOf, storedOrg } from '../app/history.js';
import { closeAuth, resolveAuthFromFlags, resolveOrg, verifyCredentials, type AuthFlags, type AuthNeeds, type AuthPurpose } from '../app/credentials.js';
import { INPUT_DEFAULTS, readDataCollectionFile, type InputFormat } from '../engine/input/index.js';
import { MAX_READ_BATCH } from '../engine/read-batch.js';
import { exitCodeFor, formatSummary, reportItem, writeReport } from '../engine/report.js';
import type { AuthProvider } from '../okta/auth.js';
import { UsageError } from '../okta/errors.js';
import { parseOrgUrl, type OrgUrl } from '../okta/org-url.js';
import { OPERATION_NAMES, getOperation, type OperationName } from '../okta/lifecycle.js';
import { addAuthOptions } from './auth-options.js';
import { confirmIrreversible } from './confirm.js';
import { collect, fraction, oneOf, wholeNumber } from './options.js';
import { assertReportWritable } from './output.js';
import { progressReporter } from './progress.js';
import { openStore, storeOption, type OpenedStore } from './store-option.js';

export interface RunFlags extends AuthFlags {
  org?: string;
  action?: OperationName;
  input?: string;
  continue?: string;
  inputFormat?: InputFormat;
  column?: string;
  /** Unset: the default, or with --continue the earlier run's (as for concurrency and rateShare). */
  objectsPerRun?: number;
  report?: string;
  concurrency?: number;
  rateShare?: number;
  readBatch?: number;
  yes?: boolean;
  sendEmail?: boolean;
  oauthTokens?: boolean;
  protect?: string;
  protectGroup?: string[];
  maxChanges?: number;
  allowHost?: string[];
  maxInputBytes?: number;
  store?: string;
}

/** The options `run` and `plan` share. */
export function addRunOptions(cmd: Command): Command {
  return addAuthOptions(cmd)
    .option('--org <host>', 'Okta org host, e.g. dev-123.okta.com (env OKTA_ORG_URL or OKTA_CLIENT_ORGURL)')
    .addOption(new Option('--action <operation>', `lifecycle operation: ${OPERATION_NAMES.join(', ')}`).argParser(oneOf('--action', OPERATION_NAMES)))
    .option('--input <file>', "data collection file of identities, or '-' for stdin")
    .option('--continue <runId>', "start a new run over the identities an earlier run deferred (Objects Per Run), with that run's settings and protected accounts")
    .addOption(new Option('--input-format <format>', 'input format (detected when not given)').choices(['text', 'csv', 'json', 'stix']))
    .option('--column <name>', 'CSV column that holds the identities')
    .option('--objects-per-run <n>', `most identities one run processes; the rest are deferred (default: ${ACTION_DEFAULTS.objectsPerRun})`, wholeNumber('--objects-per-run', 1))
    .option('--report <file>', 'write the report to FILE (.json or .csv)')
    .option('--concurrency <n>', `most requests in flight (1-75; default: ${ACTION_DEFAULTS.concurrency})`, wholeNumber('--concurrency', 1, 75))
    .option('--read-batch <n>', `identities read per request, as one filtered list (1-${MAX_READ_BATCH}; 1 = a GET per identity; default: ${ACTION_DEFAULTS.readBatch})`, wholeNumber('--read-batch', 1, MAX_READ_BATCH))
    .option('--rate-share <fraction>', `most of each Okta rate-limit bucket this run may use (default: ${ACTION_DEFAULTS.rateShare})`, fraction('--rate-share'))
    .option('--protect <file>', 'protected accounts: Okta ids, logins, login shortnames and glob patterns on login, one per line (with --continue: added to the earlier run\'s)')
    .option('--protect-group <groupId>', 'protect the members of this Okta group (repeatable; with --continue: added to the earlier run\'s)', collect)
    .option('--max-changes <n>', 'abort before any change when the plan would change more users (deactivate defaults to 100)', wholeNumber('--max-changes', 0))
    .option('--send-email', 'let Okta send its email: to the admin on deactivate, the activation link to the user on activate/reactivate (default: no email)')
    .option('--oauth-tokens', "clear_sessions: also revoke the users' OAuth tokens (contain always does)")
    .option('--allow-host <host>', "allow your org's custom domain (repeatable)", collect)
    .option('--max-input-bytes <n>', `refuse input files larger than this (default: ${INPUT_DEFAULTS.maxBytes} bytes, ${INPUT_DEFAULTS.maxBytes / 1024 / 1024} MiB)`, wholeNumber('--max-input-bytes', 1))
    .option('--yes', `confirm an operation that cannot be undone and needs it (${OPERATION_NAMES.filter((n) => getOperation(n)!.confirm).join(', ')}) without a prompt`)
    .addOption(storeOption());
}

export async function readProtectFile(path: string | undefined): Promise<string[]> {
  if (!path) return [];
  try {
    return (await readFile(path, 'utf8')).split(/\r?\n/);
  } catch {
    throw new UsageError(`Cannot read the protect file ${path}: check the path.`);
  }
}

/** Print the outcome of a run on stderr and write the report; returns the exit code. */
export async function finishCommand(done: CompletedRun, reportPath: string | undefined, secrets: readonly string[], kept = true): Promise<number> {
  // The users have changed by now: a report that fails to write must not hide the outcome.
  let reportError: string | null = null;
  if (reportPath) {
    try {
      await writeReport(reportPath, done.header, done.items());
    } catch (err) {
      reportError = (err as Error).message;
    }
  }
  const lines = [formatSummary(done.header)];
  const stats = done.header.stats as { rateLimited?: number; retries?: number; heldMs?: number } | undefined;
  // heldMs is wall-clock time (the waits of calls overlap; their sum, waitMs, is in the report).
  if (stats) lines.push(`  (${stats.rateLimited ?? 0} rate-limited answers, ${stats.retries ?? 0} retries, held back ${((stats.heldMs ?? 0) / 1000).toFixed(1)} s by rate limits and back-off)`);
  for (const i of done.attention(20)) {
    const r = reportItem(i);
    lines.push(`  ! ${JSON.stringify(i.input)} → ${r.outcome}${i.error ? `: ${i.error.errorSummary}` : i.note ? `: ${i.note}` : ''}`);
  }
  const aborted = done.result.aborted;
  if (aborted) lines.push(`Aborted before any change: the plan would change ${aborted.wouldChange} users, more than --max-changes ${aborted.limit}. Raise --max-changes if that is intended.`);
  if (done.result.interrupted) lines.push(`Interrupted: finish it with  okta-action resume ${done.header.runId}`);
  if (reportError) lines.push(`The report could not be written to ${reportPath} (${reportError}); the run is kept: okta-action show ${done.header.runId} --report FILE`);
  // A run kept in no store (the demo's) has an id that no other command can find: not shown.
  if (done.header.runId && kept) lines.push(`Run id: ${done.header.runId}${reportPath && !reportError ? `  Report: ${reportPath}` : ''}`);
  else if (reportPath && !reportError) lines.push(`Report: ${reportPath}`);
  let text = lines.join('\n');
  for (const s of secrets) if (s.length >= 4) text = text.split(s).join('[REDACTED]');
  process.stderr.write(`${text}\n`);
  if (done.result.aborted) return 2;
  return reportError ? 1 : exitCodeFor(done.header.summary);
}

/** Where the identities come from: a data collection file, or the deferred items of an earlier run (with that run's settings). */
async function collectionFor(flags: RunFlags, keeper: OpenedStore | null, dryRun: boolean): Promise<{ action: OperationName; identities: string[]; parent: (ActionSettings & { runId: string }) | null }> {
  if (flags.continue !== undefined) {
    if (flags.input) throw new UsageError('Pass either --input or --continue, not both.');
    if (!keeper) throw new UsageError('--continue needs the run store.');
    const parent = runInfoOrThrow(keeper.store, flags.continue);
    assertContinuable(keeper.store, parent, dryRun);
    if (flags.action && flags.action !== parent.header.action)
      throw new UsageError(`Run ${flags.continue} was ${parent.header.action}; --continue keeps its action.`);
    // A plan's first page was never run: going on from its deferred identities would skip it.
    if (parent.header.dryRun && !dryRun)
      throw new UsageError(`Run ${flags.continue} was a plan and changed nothing: continue it with  okta-action plan --continue ${flags.continue}, or run the whole collection with --input.`);
    const identities = deferredInputs(parent, keeper.store.iterateItems(parent.header.id, 'deferred'));
    return { action: parent.header.action, identities, parent: { ...settingsOf(parent.header), runId: parent.header.id } };
  }
  if (!flags.action) throw new UsageError(`Choose an action with --action (${OPERATION_NAMES.join(', ')}).`);
  if (!flags.input) throw new UsageError("Give the data collection with --input FILE (or '-' for stdin).");
  const collection = await readDataCollectionFile(flags.input, { format: flags.inputFormat, column: flags.column, maxBytes: flags.maxInputBytes, sourceName: flags.input });
  const source = flags.input === '-' ? 'stdin' : flags.input;
  // An empty or wrong export must not pass for a run that did its job (an orchestrator reads exit 0 as success).
  if (collection.identities.length === 0)
    throw new UsageError(`${source} holds no identities${collection.skipped > 0 ? ` (${collection.skipped} other object${collection.skipped === 1 ? '' : 's'}, not identities)` : ''}: nothing to ${dryRun ? 'plan' : 'run'}.`);
  if (collection.column)
    process.stderr.write(`${source}: identities read from column "${collection.column.used}" (the file also has ${collection.column.alternatives.map((c) => `"${c}"`).join(', ')}; --column chooses another).\n`);
  // A ThreatQ export or a STIX bundle may hold other objects (IP addresses, indicators): say how many were left out.
  if (collection.skipped > 0)
    process.stderr.write(`${source}: ${collection.identities.length} identit${collection.identities.length === 1 ? 'y' : 'ies'}; ${collection.skipped} other object${collection.skipped === 1 ? '' : 's'} (not identities) left out.\n`);
  return { action: flags.action, identities: collection.identities, parent: null };
}

/**
 * The run's settings: the flags given, else the defaults. A run that continues an earlier one keeps
 * that run's settings where no flag overrides them, and its protected accounts always: flags can
 * only add to them (a deferred user protected then is protected now).
 */
export function runSettings(flags: RunFlags, action: OperationName, dryRun: boolean, protect: ActionSettings['protect'], parent: ActionSettings | null): ActionSettings {
  const base = parent ?? { ...ACTION_DEFAULTS, action };
  return {
    ...ACTION_DEFAULTS,
    action,
    dryRun,
    objectsPerRun: flags.objectsPerRun ?? base.objectsPerRun,
    concurrency: flags.concurrency ?? base.concurrency,
    rateShare: flags.rateShare ?? base.rateShare,
    readBatch: flags.readBatch ?? base.readBatch ?? ACTION_DEFAULTS.readBatch,
    sendEmail: flags.sendEmail ?? base.sendEmail,
    revokeOAuth: flags.oauthTokens ?? base.revokeOAuth ?? false,
    maxChanges: flags.maxChanges ?? base.maxChanges,
    protect: {
      entries: [...base.protect.entries, ...protect.entries],
      groups: [...new Set([...base.protect.groups, ...protect.groups])],
    },
  };
}

export async function runCommand(flags: RunFlags, dryRun: boolean, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (flags.continue !== undefined && !flags.continue.trim()) throw new UsageError('--continue needs the id of the run to go on from (see okta-action runs).');
  let opened: OpenedStore | null = null;
  let auth: AuthProvider | null = null;
  try {
    // A continuing run's org is the earlier run's: its store is read first.
    if (flags.continue !== undefined) opened = openStore(flags, { existing: true });
    const org = opened ? continuedOrg(flags, env, opened) : resolveOrg(flags.org, env, flags.allowHost ?? []);
    const purpose: AuthPurpose = dryRun ? 'read' : 'write';
    const needs: AuthNeeds = { groups: (flags.protectGroup?.length ?? 0) > 0 };
    auth = resolveAuthFromFlags(flags, env, org, purpose, needs);
    assertReportWritable(flags.report);
    opened ??= openStore(flags, { existing: false });
    return await runOn(flags, dryRun, env, { org, auth, purpose, needs }, opened);
  } finally {
    opened?.close();
    if (auth) await closeAuth(auth);
  }
}

/**
 * A run that continues another acts on that run's org: a different --org (or OKTA_ORG_URL, which
 * may hold another org and its token) is refused rather than followed.
 */
function continuedOrg(flags: RunFlags, env: NodeJS.ProcessEnv, opened: OpenedStore): OrgUrl {
  const parent = runInfoOrThrow(opened.store, flags.continue as string);
  const org = storedOrg(parent.header.org);
  const [given, from] = flags.org !== undefined ? [flags.org, '--org'] : env.OKTA_ORG_URL ? [env.OKTA_ORG_URL, 'OKTA_ORG_URL'] : env.OKTA_CLIENT_ORGURL ? [env.OKTA_CLIENT_ORGURL, 'OKTA_CLIENT_ORGURL'] : [null, null];
  if (given !== null) {
    const asked = parseOrgUrl(given, { allowedHosts: [...(flags.allowHost ?? []), org.host] });
    if (asked.origin !== org.origin)
      throw new UsageError(`Run ${parent.header.id} was on ${org.origin}; --continue keeps its org, but ${from} says ${asked.origin}. Pass --org ${org.origin} (with that org's token).`);
  }
  return org;
}

/** The run itself, once its org, credentials and store are settled. */
async function runOn(flags: RunFlags, dryRun: boolean, env: NodeJS.ProcessEnv, access: { org: OrgUrl; auth: AuthProvider; purpose: AuthPurpose; needs: AuthNeeds }, opened: OpenedStore | null): Promise<number> {
  const { org, auth, purpose, needs } = access;
  const { action, identities, parent } = await collectionFor(flags, opened, dryRun);
  const protect = { entries: await readProtectFile(flags.protect), groups: flags.protectGroup ?? [] };
  const settings = runSettings(flags, action, dryRun, protect, parent);
  validateSettings(settings);
  // OAuth: fetch the token now, so a refused client, key or scope is one line (exit 2) before any prompt or run.
  await verifyCredentials(auth, purpose, needs);
  const op = getOperation(action)!;
  if ((op.destructive || op.confirm) && !dryRun)
    await confirmIrreversible(op.label, Math.min(identities.length, settings.objectsPerRun), { yes: Boolean(flags.yes), inputIsStdin: flags.input === '-' });
  return await withRunSignals(identities.length, (cb) =>
    startRun({ org, auth }, settings, identities, opened?.keeper ?? null, { ...cb, actor: env.USER ?? null, parentRunId: parent?.runId ?? null }).then((done) => finishCommand(done, flags.report, auth.secrets())),
  );
}

/** Ctrl-C or SIGTERM stops a run cleanly (in-flight requests finish; the rest stays resumable), with a progress bar meanwhile. */
export async function withRunSignals<T>(total: number, fn: (cb: RunCallbacks) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const bar = progressReporter(total);
  try {
    return await fn({ onProgress: (p) => bar.update(p), signal: controller.signal });
  } finally {
    bar.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
