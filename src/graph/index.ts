// Public entry of the Graph adapter (what it owns and may import: README.md): what the composition root imports.
export { createGraphScheduleSource, type GraphScheduleSource, type GraphScheduleSourceOptions } from './get-schedule.js';
export { createMsalTokenProvider, graphScope, TokenError, type TokenProvider } from './token-provider.js';
export { createGraphHttp, HttpFailure, type GraphHttp } from './http.js';
export { retryPolicyFrom, type RetryPolicy } from './retry.js';
