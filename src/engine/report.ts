import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import { OK_OUTCOMES, OUTCOMES, type Item, type Outcome } from './types.js';
import { writeChunk } from './write-out.js';

export type Summary = Record<Outcome, number> & { total: number };

export interface ReportHeader {
  runId?: string;
  action: string;
  org: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string | null;
  status?: string;
  summary: Summary;
  stats?: Record<string, unknown>;
}

/** The fields of one report item, in order. */
export const REPORT_FIELDS = ['input', 'userId', 'login', 'statusBefore', 'statusAfter', 'outcome', 'error', 'requestId', 'attempts', 'waitMs', 'note'] as const;

export function summarize(items: Iterable<Pick<Item, 'outcome'>>): Summary {
  const counts: Partial<Record<Outcome, number>> = {};
  let total = 0;
  for (const item of items) {
    total++;
    if (item.outcome) counts[item.outcome] = (counts[item.outcome] ?? 0) + 1;
  }
  return summaryOf(total, counts);
}

/** The summary of a run from its number of items and its items per outcome (the rest are pending). */
export function summaryOf(total: number, counts: Readonly<Partial<Record<Outcome, number>>>): Summary {
  const summary = Object.fromEntries(OUTCOMES.map((o) => [o, counts[o] ?? 0])) as Summary;
  summary.total = total;
  return summary;
}

/** An item whose outcome a person should look at (one that makes the exit code 1). */
export const needsAttention = (item: Pick<Item, 'outcome'>): boolean => item.outcome !== null && !OK_OUTCOMES.has(item.outcome);

/** 0 when every item ended well, 1 otherwise (2 is for errors found before any request). */
export function exitCodeFor(summary: Summary): 0 | 1 {
  const ended = OUTCOMES.filter((o) => OK_OUTCOMES.has(o)).reduce((n, o) => n + summary[o], 0);
  return ended === summary.total ? 0 : 1;
}

/** The CSV report's columns: the report's fields, with the error spread over four. */
export const CSV_COLUMNS = [...REPORT_FIELDS.filter((f) => f !== 'error'), 'errorStatus', 'errorCode', 'errorSummary', 'errorId'] as const;

/**
 * csv-stringify's settings for every CSV report. Identities come from threat feeds, which an
 * attacker may write: a cell that starts with = + - @ (or tab, CR) is prefixed with ' so that a
 * spreadsheet shows it as text instead of running it as a formula (OWASP: CSV injection).
 */
export const CSV_OPTIONS = Object.freeze({ escape_formulas: true });

/** One item as a CSV record, in CSV_COLUMNS order. */
export function csvRecord(item: Item): unknown[] {
  const r = reportItem(item);
  const e = item.error;
  const row: Record<string, unknown> = { ...r, errorStatus: e?.status ?? '', errorCode: e?.errorCode ?? '', errorSummary: e?.errorSummary ?? '', errorId: e?.errorId ?? '' };
  return CSV_COLUMNS.map((c) => row[c] ?? '');
}

export function reportItem(item: Item): Record<(typeof REPORT_FIELDS)[number], unknown> {
  return {
    input: item.input,
    userId: item.userId,
    login: item.login,
    statusBefore: item.statusBefore,
    statusAfter: item.statusAfter,
    outcome: item.outcome ?? 'pending',
    error: item.error,
    requestId: item.requestId,
    attempts: item.attempts,
    waitMs: Math.round(item.waitMs),
    note: item.note,
  };
}

/**
 * Write a JSON or CSV report (by file extension; `-` is JSON on stdout) as a stream, so 200,000
 * items never sit in one string. Report files are created readable by their owner only.
 */
export async function writeReport(path: string, header: ReportHeader, items: Iterable<Item>): Promise<void> {
  const toStdout = path === '-';
  const file = toStdout ? process.stdout : createWriteStream(path, { mode: 0o600 });
  const closed = toStdout ? Promise.resolve() : once(file, 'close');
  if (!toStdout && path.toLowerCase().endsWith('.csv')) {
    const csv = stringify({ ...CSV_OPTIONS, header: true, columns: [...CSV_COLUMNS] });
    csv.pipe(file as NodeJS.WritableStream);
    for (const item of items) if (!csv.write(csvRecord(item))) await once(csv, 'drain');
    csv.end();
  } else {
    const { summary, ...rest } = header;
    const head = JSON.stringify({ ...rest, summary }, null, 2);
    // Stops early only when the stream is gone: stdout's reader closed the pipe, or the file failed (`closed` rejects then).
    let open = await writeChunk(file, `${head.slice(0, -2)},\n  "items": [`);
    let first = true;
    for (const item of items) {
      if (!open) break;
      open = await writeChunk(file, `${first ? '\n' : ',\n'}    ${JSON.stringify(reportItem(item))}`);
      first = false;
    }
    if (open) await writeChunk(file, `${first ? '' : '\n  '}]\n}\n`);
    if (!toStdout) file.end();
  }
  await closed;
}

/** A short human summary, one outcome per line, for stderr. */
export function formatSummary(header: ReportHeader): string {
  const s = header.summary;
  const line = (name: string, n: number) => `  ${name.padEnd(20)} ${String(n).padStart(7)}`;
  const lines = OUTCOMES.filter((o) => s[o] > 0).map((o) => line(o, s[o]));
  // Items without an outcome yet (an interrupted run): the report calls them 'pending'.
  const pending = s.total - OUTCOMES.reduce((n, o) => n + s[o], 0);
  if (pending > 0) lines.push(line('pending', pending));
  const verb = header.dryRun ? 'Plan' : 'Run';
  return [`${verb} ${header.action} on ${header.org}: ${s.total} identities`, ...lines].join('\n');
}
