/**
 * Data collection readers and identity validation: turn a file of users (text, CSV, JSON,
 * ThreatQ export, STIX 2.1 bundle) into the identities a run acts on.
 */
export { INPUT_DEFAULTS } from './defaults.js';
export { detectFormat } from './detect.js';
export { InputFileError, type InputPosition } from './errors.js';
export {
  checkIdentity,
  identityKind,
  looksLikeEmail,
  normalizeIdentity,
  type IdentityCheck,
  type IdentityKind,
} from './identity.js';
export { readDataCollection } from './read.js';
export { STDIN_NAME, readBounded, readDataCollectionFile } from './read-file.js';
export { INPUT_FORMATS, type DataCollection, type InputFormat, type ReadOptions } from './types.js';
