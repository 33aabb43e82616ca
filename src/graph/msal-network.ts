// MSAL's INetworkModule on top of the relay's HTTP layer, so token traffic shares its CA, timeouts and host allow-list.
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { GraphHttp } from './http.js';

/** `onBody` sees every parsed answer (the token provider reads `expires_in` from it). */
export function createMsalNetworkClient(http: GraphHttp, timeoutMs: number, onBody?: (body: unknown) => void): INetworkModule {
  async function send<T>(method: 'GET' | 'POST', url: string, options: NetworkRequestOptions | undefined, timeout?: number): Promise<NetworkResponse<T>> {
    const res = await http.send(url, {
      method,
      headers: options?.headers,
      body: method === 'POST' ? (options?.body ?? '') : undefined,
      timeoutMs: Math.min(timeout ?? timeoutMs, timeoutMs),
    });
    let body: T;
    try {
      body = JSON.parse(res.body) as T;
    } catch {
      // MSAL expects a parsed body; a non-JSON answer (a proxy page, a truncated body) is a failed call.
      throw new Error(`authority answered HTTP ${res.status} with a body that is not JSON`);
    }
    onBody?.(body);
    return { status: res.status, headers: res.headers, body };
  }
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions, timeout?: number) => send<T>('GET', url, options, timeout),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('POST', url, options),
  };
}
