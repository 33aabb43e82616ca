// Public entry of the Graph adapter: what the composition root and tests import.
export { createGraphScheduleSource, type GraphScheduleSource, type GraphScheduleSourceOptions } from './get-schedule.js';
export { createMsalTokenProvider, graphScope, TokenError, type TokenProvider } from './token-provider.js';
export { createGraphHttp, HttpFailure, type GraphHttp } from './http.js';
export { retryPolicyFrom, type RetryPolicy } from './retry.js';
