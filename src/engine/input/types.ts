/** The shapes a data collection can arrive in. */
export type InputFormat = 'text' | 'csv' | 'json' | 'stix';

export const INPUT_FORMATS: readonly InputFormat[] = Object.freeze(['text', 'csv', 'json', 'stix']);

export interface ReadOptions {
  /** Skip detection and read the input as this format. */
  format?: InputFormat;
  /** CSV only: the header of the column that holds the identities (case-insensitive). */
  column?: string;
  /** Refuse inputs larger than this many bytes (default INPUT_DEFAULTS.maxBytes). */
  maxBytes?: number;
  /** File name: used for detection by extension and in messages. */
  sourceName?: string;
}

/** The identities of a data collection, in order, exactly as given apart from surrounding whitespace. */
export interface DataCollection {
  format: InputFormat;
  identities: string[];
  /** Objects that were ignored, e.g. non-Identity types in a ThreatQ export or other STIX objects. */
  skipped: number;
  /** CSV with more than one known identity column: the one read, and the others it has. */
  column?: { used: string; alternatives: string[] };
}
