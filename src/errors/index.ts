// Errors: the catalog (every error the relay answers with) and toWire, which decides what of one is sent.
// Imports nothing but src/limits.ts: every layer may use it.
export { ERRORS, type ErrorCode, type ErrorEntry, type Surface } from './catalog.js';
export { EdgeError, EwsFault, OAuthError, RelayError, toWire, type EwsFaultCode, type OAuthErrorCode, type WireError } from './wire.js';
