import { CsvError, parse } from 'csv-parse/sync';
import { IDENTITY_COLUMNS, columnKey } from './csv-columns.js';
import { type InputPosition, InputFileError, quote, quoteList } from './errors.js';

/** The identities of a CSV table, the column they came from, and the other known identity columns it has. */
export interface CsvIdentities {
  identities: string[];
  column: string;
  /** Other columns whose names are known identity columns: the choice between them was the preference order's (or --column's). */
  alternatives: string[];
}

/**
 * A CSV file with a header row: the identities are the cells of `column` (case-insensitive),
 * or else of the first known identity column. An empty cell is kept as ''. The chosen column must
 * be named once: of two columns with one name, which holds the identities cannot be told.
 */
export function readCsvTable(text: string, sourceName: string, column?: string): CsvIdentities {
  const rows = parseRows(text, sourceName);
  if (rows.length === 0) {
    throw new InputFileError(sourceName, 'is empty: a CSV file needs a header row naming its columns');
  }
  const header = rows[0].record;
  const index = identityColumn(header, { line: rows[0].info.lines }, sourceName, column);
  const keys = header.map(columnKey);
  if (keys.indexOf(keys[index]) !== keys.lastIndexOf(keys[index])) {
    throw new InputFileError(sourceName, `the header names the column ${quote(header[index].trim())} more than once: keep one, or rename the other`, { line: rows[0].info.lines });
  }
  const alternatives = header.filter((h, i) => i !== index && IDENTITY_COLUMNS.includes(keys[i]) && keys[i] !== keys[index]).map((h) => h.trim());
  const identities: string[] = [];
  for (let r = 1; r < rows.length; r++) {
    const { record, info } = rows[r];
    // A line of spaces is a blank line, not a row with one field.
    if (record.length === 1 && header.length > 1 && record[0].trim() === '') continue;
    // A row with more or fewer fields than the header almost always holds an unquoted comma;
    // guessing which field is the identity could act on the wrong user.
    if (record.length !== header.length) {
      throw new InputFileError(
        sourceName,
        `the row has ${fields(record.length)} but the header has ${fields(header.length)}: ` +
          'quote fields that contain a comma',
        { line: info.lines },
      );
    }
    identities.push(record[index].trim());
  }
  return { identities, column: header[index].trim(), alternatives };
}

interface Row {
  record: string[];
  info: { lines: number };
}

function parseRows(text: string, sourceName: string): Row[] {
  try {
    // With info: true each record comes as { record, info }; the typings only know string[][].
    const options = { bom: true, skip_empty_lines: true, relax_column_count: true, info: true };
    return parse(text, options) as unknown as Row[];
  } catch (error) {
    if (error instanceof CsvError) throw csvSyntaxError(error, sourceName);
    throw error;
  }
}

function identityColumn(
  header: string[],
  position: InputPosition,
  sourceName: string,
  column: string | undefined,
): number {
  const keys = header.map(columnKey);
  if (column !== undefined) {
    const index = keys.indexOf(columnKey(column));
    if (index !== -1) return index;
    throw new InputFileError(
      sourceName,
      `no column is named ${quote(column)}: the columns are ${quoteList(header, 'and')}`,
      position,
    );
  }
  for (const name of IDENTITY_COLUMNS) {
    const index = keys.indexOf(name);
    if (index !== -1) return index;
  }
  throw new InputFileError(
    sourceName,
    `no identity column among ${quoteList(header, 'and')}: name one of ${quoteList(IDENTITY_COLUMNS)} ` +
      `in the header or pass --column NAME${separatorHint(header)}`,
    position,
  );
}

/** A one-cell header holding ';' or a tab is a file saved with another separator. */
function separatorHint(header: string[]): string {
  if (header.length !== 1) return '';
  if (header[0].includes(';')) return ' (the file seems to use ";" between fields: save it with commas)';
  if (header[0].includes('\t')) return ' (the file seems to use tabs between fields: save it with commas)';
  return '';
}

function csvSyntaxError(error: CsvError, sourceName: string): InputFileError {
  const line = typeof error.lines === 'number' ? error.lines : undefined;
  const position = line === undefined ? null : { line };
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new InputFileError(sourceName, 'a quoted field is never closed: add the closing quote (")', position);
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new InputFileError(
        sourceName,
        'text follows a closing quote: quote the whole field and write a quote inside it as ""',
        position,
      );
    case 'INVALID_OPENING_QUOTE':
      return new InputFileError(
        sourceName,
        'a quote inside an unquoted field: quote the whole field and write a quote inside it as ""',
        position,
      );
    default:
      return new InputFileError(sourceName, `not valid CSV (${error.message})`, position);
  }
}

function fields(count: number): string {
  return count === 1 ? '1 field' : `${count} fields`;
}
