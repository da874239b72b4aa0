import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { IDENTITY_COLUMNS, columnKey } from './csv-columns.js';
import { isStixBundle } from './json-shapes.js';
import type { InputFormat } from './types.js';

/** Formats told apart before JSON is parsed: a JSON document is json or stix by its shape. */
export type FormatFamily = 'text' | 'csv' | 'json';

const BY_EXTENSION: Readonly<Record<string, FormatFamily>> = Object.freeze({
  '.csv': 'csv',
  '.json': 'json',
  '.txt': 'text',
});

/**
 * The format of a data collection: by the file extension (.csv, .json, .txt) when there is
 * one, else by content. A JSON document that is a STIX bundle is `stix`.
 */
export function detectFormat(text: string, sourceName?: string): InputFormat {
  const family = familyByExtension(sourceName) ?? familyByContent(text);
  if (family !== 'json') return family;
  return isStixBundle(parseOrUndefined(text)) ? 'stix' : 'json';
}

export function familyByExtension(sourceName: string | undefined): FormatFamily | null {
  if (sourceName === undefined) return null;
  return BY_EXTENSION[extname(sourceName).toLowerCase()] ?? null;
}

/**
 * json when the first non-space character opens an array or object; csv when the first line
 * is a header with a comma and a known identity column (or `column`), or is that column's name
 * alone (a one-column CSV); else text.
 */
export function familyByContent(text: string, column?: string): FormatFamily {
  const first = text.search(/\S/);
  if (first !== -1 && (text[first] === '[' || text[first] === '{')) return 'json';
  const names = column === undefined ? IDENTITY_COLUMNS : [...IDENTITY_COLUMNS, columnKey(column)];
  return headerCells(text).some((cell) => names.includes(columnKey(cell))) || isLoneHeader(text, names) ? 'csv' : 'text';
}

/**
 * Whether a list's first line is only the name of an identity column ("email", "login", …): a
 * one-column CSV export read as a plain list would send its header word to Okta as a login
 * shortname, and a user of that name would be changed.
 */
export function isLoneHeader(text: string, names: readonly string[] = IDENTITY_COLUMNS): boolean {
  const end = text.search(/\r|\n/);
  const line = (end === -1 ? text : text.slice(0, end)).replace(/^\uFEFF/, '').replace(/^"(.*)"$/, '$1');
  return names.includes(columnKey(line));
}

function headerCells(text: string): string[] {
  const end = text.indexOf('\n');
  const line = (end === -1 ? text : text.slice(0, end)).replace(/\r$/, '');
  if (!line.includes(',')) return [];
  try {
    return parse(line, { bom: true })[0] ?? [];
  } catch {
    return [];
  }
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
