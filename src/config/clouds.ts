// Microsoft's clouds: the Entra login host and Graph root of each, so a tenant can name its cloud instead of URLs.

/** Sources: learn.microsoft.com "National cloud deployments" (Graph) and "Authentication endpoints" (Entra). */
export const CLOUDS = {
  global: { login: 'https://login.microsoftonline.com', graph: 'https://graph.microsoft.com' },
  usGov: { login: 'https://login.microsoftonline.us', graph: 'https://graph.microsoft.us' },
  usGovDoD: { login: 'https://login.microsoftonline.us', graph: 'https://dod-graph.microsoft.us' },
  china: { login: 'https://login.chinacloudapi.cn', graph: 'https://microsoftgraph.chinacloudapi.cn' },
} as const;

export type CloudName = keyof typeof CLOUDS;
export const CLOUD_NAMES = Object.keys(CLOUDS) as [CloudName, ...CloudName[]];

export interface CloudEndpoints {
  authority: string;
  graphEndpoint: string;
}

/**
 * The tenant's endpoints: explicit `authority`/`graphEndpoint` win (custom clouds, test fakes); otherwise the
 * cloud's login host with the tenant id, and the cloud's Graph root. Undefined authority: neither was given. `cloud`:
 * the parsed tenant's (the schema defaults it to global).
 */
export function cloudEndpoints(t: { cloud: CloudName; tenantId?: string; authority?: string; graphEndpoint?: string }): Partial<CloudEndpoints> {
  const cloud = CLOUDS[t.cloud];
  const authority = t.authority ?? (t.tenantId ? `${cloud.login}/${encodeURIComponent(t.tenantId)}` : undefined);
  return { ...(authority ? { authority } : {}), graphEndpoint: t.graphEndpoint ?? cloud.graph };
}
