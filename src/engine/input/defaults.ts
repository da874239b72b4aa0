/** Limits and defaults for reading a data collection; callers override them through ReadOptions. */
export const INPUT_DEFAULTS = Object.freeze({
  /** Largest input accepted, in bytes (64 MiB); bigger files are refused before they are read. */
  maxBytes: 64 * 1024 * 1024,
  /** Longest identity accepted, in characters (code points). */
  maxIdentityLength: 1024,
  /** Name used in messages when the caller gives no sourceName. */
  sourceName: 'input',
  /** How many names an error message lists before it shortens the list. */
  maxNamesInMessage: 20,
  /** How many characters of a name or value an error message shows. */
  maxQuotedLength: 60,
});
