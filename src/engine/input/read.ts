import { UsageError } from '../../okta/errors.js';
import { readCsvTable } from './csv-reader.js';
import { decodeInput } from './decode.js';
import { INPUT_DEFAULTS } from './defaults.js';
import { type FormatFamily, familyByContent, familyByExtension, isLoneHeader } from './detect.js';
import { InputFileError } from './errors.js';
import { readJsonDocument } from './json-reader.js';
import { isStixBundle } from './json-shapes.js';
import { parseJson } from './json-syntax.js';
import { readStixBundle } from './stix-reader.js';
import { readTextList } from './text-reader.js';
import { INPUT_FORMATS, type DataCollection, type InputFormat, type ReadOptions } from './types.js';

/**
 * The identities of a data collection held in memory. Pure: refuses input over maxBytes, text
 * that is not UTF-8, and malformed or unsupported content, always with an InputFileError.
 */
export function readDataCollection(data: Buffer | string, options: ReadOptions = {}): DataCollection {
  const sourceName = options.sourceName ?? INPUT_DEFAULTS.sourceName;
  const maxBytes = checkedMaxBytes(options.maxBytes);
  const size = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.length;
  if (size > maxBytes) throw tooLarge(sourceName, size, maxBytes);
  const text = decodeInput(data, sourceName);
  const byContent = options.format === undefined && familyByExtension(sourceName) === null;
  const declared = familyOf(options.format);
  let family: FormatFamily = declared ?? familyByExtension(sourceName) ?? familyByContent(text, options.column);
  // A .txt list headed by a column name alone is a one-column CSV too (familyByContent tells it where there is no extension).
  if (family === 'text' && declared === null && !byContent && isLoneHeader(text)) family = 'csv';
  if (options.column !== undefined && family !== 'csv') {
    throw new InputFileError(
      sourceName,
      `was read as ${options.format ?? family}, but --column applies only to CSV: ` +
        'pass --input-format csv if it is a CSV file',
    );
  }
  switch (family) {
    case 'text':
      return { format: 'text', identities: readTextList(text), skipped: 0 };
    case 'csv': {
      const table = readCsvTable(text, sourceName, options.column);
      // Only where there was a choice: which column was read, so the analyst can tell it was the right one.
      const column = table.alternatives.length > 0 ? { column: { used: table.column, alternatives: table.alternatives } } : {};
      return { format: 'csv', identities: table.identities, skipped: 0, ...column };
    }
    case 'json':
      return readJsonFamily(text, sourceName, options.format, byContent);
  }
}

function readJsonFamily(
  text: string,
  sourceName: string,
  format: InputFormat | undefined,
  byContent: boolean,
): DataCollection {
  const hint = byContent ? ' (or pass --input-format text if it is a plain list)' : '';
  const document = parseJson(text, sourceName, hint);
  if (isStixBundle(document)) return { format: 'stix', ...readStixBundle(document, sourceName) };
  if (format === 'stix') {
    throw new InputFileError(sourceName, 'is not a STIX 2.1 bundle: expected {"type":"bundle","objects":[…]}');
  }
  return { format: 'json', ...readJsonDocument(document, sourceName) };
}

function familyOf(format: InputFormat | undefined): FormatFamily | null {
  if (format === undefined) return null;
  if (!INPUT_FORMATS.includes(format)) {
    throw new UsageError(`unknown input format "${String(format)}": use ${INPUT_FORMATS.join(', ')}`);
  }
  return format === 'stix' ? 'json' : format;
}

export function checkedMaxBytes(maxBytes: number | undefined): number {
  if (maxBytes === undefined) return INPUT_DEFAULTS.maxBytes;
  if (!Number.isFinite(maxBytes) || maxBytes < 0) {
    throw new UsageError(`the input size limit must be a number of bytes, not ${String(maxBytes)}`);
  }
  return maxBytes;
}

/** The refusal of an input over the size limit. */
export function tooLarge(sourceName: string, size: number | null, maxBytes: number): InputFileError {
  const actual = size === null ? 'more than' : `${formatBytes(size)}, over`;
  return new InputFileError(
    sourceName,
    `is ${actual} the ${formatBytes(maxBytes)} limit: split it into smaller data collections`,
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${bytes} bytes`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB`;
}
