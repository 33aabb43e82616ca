// Each Microsoft cloud's endpoints on the wire (hosts routed to the fake), and certificate credentials with x5c.
import { X509Certificate } from 'node:crypto';
import { Agent, type Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOUDS, cloudEndpoints, type CloudName } from '../config/clouds.js';
import { loadConfig } from '../config/load.js';
import { generateClientCertificate } from '../demo/tls.js';
import { createGraphScheduleSource } from './get-schedule.js';
import { CLIENT_ID, CLIENT_SECRET, graphConfig, graphScale, harness, query, silentLogger, TENANT_ID, type Harness } from './test-support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Sends every request to the fake, keeping the Host the relay meant, and records where each was meant to go. */
class CloudRouter extends Agent {
  readonly seen: string[] = [];
  constructor(private readonly fakeUrl: string, ca: string) {
    // The fake's certificate names 127.0.0.1; the chain is still checked against its CA.
    super({ connect: { ca, checkServerIdentity: () => undefined } });
  }
  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const meant = new URL(String(opts.origin));
    this.seen.push(`${meant.host}${opts.path.split('?')[0]}`);
    const headers = Array.isArray(opts.headers)
      ? [...(opts.headers as string[]), 'host', meant.host]
      : { ...(opts.headers as Record<string, string> | undefined), host: meant.host };
    return super.dispatch({ ...opts, origin: this.fakeUrl, headers }, handler);
  }
}

const expected: Record<CloudName, { login: string; graph: string }> = {
  global: { login: 'login.microsoftonline.com', graph: 'graph.microsoft.com' },
  usGov: { login: 'login.microsoftonline.us', graph: 'graph.microsoft.us' },
  usGovDoD: { login: 'login.microsoftonline.us', graph: 'dod-graph.microsoft.us' },
  china: { login: 'login.chinacloudapi.cn', graph: 'microsoftgraph.chinacloudapi.cn' },
};

describe('national clouds', () => {
  it('loads each cloud preset from configuration; explicit URLs still win (custom cloud)', () => {
    for (const cloud of Object.keys(CLOUDS) as CloudName[]) {
      const env = { GRAPH_CLOUD: cloud, GRAPH_TENANT_ID: 'tid', GRAPH_CLIENT_ID: 'c', GRAPH_CLIENT_SECRET: 's', RELAY_DOMAINS: 'a.example', GOOGLE_CLIENT_ID: 'g', GOOGLE_CLIENT_SECRET: 'gs' };
      const [tenant] = loadConfig({ argv: [], env }).tenants;
      expect(tenant).toMatchObject({ authority: `https://${expected[cloud].login}/tid`, graphEndpoint: `https://${expected[cloud].graph}` });
    }
    expect(cloudEndpoints({ cloud: 'usGov', authority: 'https://login.example.net/t', graphEndpoint: 'https://graph.example.net' })).toEqual({
      authority: 'https://login.example.net/t',
      graphEndpoint: 'https://graph.example.net',
    });
  });

  for (const cloud of Object.keys(CLOUDS) as CloudName[]) {
    it(`${cloud}: gets its token from ${expected[cloud].login} for ${expected[cloud].graph} and calls getSchedule there`, async () => {
      h = await harness();
      const router = new CloudRouter(h.fake.url, h.fake.ca);
      const ends = cloudEndpoints({ cloud, tenantId: TENANT_ID });
      const tenant = { id: 'contoso', authority: ends.authority!, graphEndpoint: ends.graphEndpoint!, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
      const source = createGraphScheduleSource({ tenants: [tenant], graph: graphConfig, scale: graphScale(), logger: silentLogger, dispatcher: router });
      const [alice] = await source.getSchedules(query(['alice@example.com']));
      await source.close();
      await router.close();
      expect(alice?.ok).toBe(true);
      const { login, graph } = expected[cloud];
      // MSAL knows Microsoft's own hosts and may skip the metadata call; whatever it calls is on the cloud's login host.
      expect(router.seen.filter((x) => !x.startsWith(`${login}/${TENANT_ID}/`) && !x.startsWith(`${graph}/v1.0/`))).toEqual([]);
      expect(router.seen).toContain(`${login}/${TENANT_ID}/oauth2/v2.0/token`);
      expect(router.seen).toContain(`${graph}/v1.0/users/alice%40example.com/calendar/getSchedule`);
      const token = h.fake.requests.find((r) => r.endpoint === 'token');
      expect(token?.body).toMatchObject({ scope: `https://${graph}/.default` });
    });
  }
});

describe('certificate credentials', () => {
  it('sends the chain as x5c (subject name + issuer auth) when configured, and only then', async () => {
    const cert = await generateClientCertificate();
    const der = new X509Certificate(cert.cert).raw.toString('base64');
    for (const withX5c of [true, false]) {
      h = await harness({
        apps: [{ clientId: CLIENT_ID, certificates: [cert.cert] }],
        tenant: { clientSecret: undefined, certificate: { privateKey: cert.privateKey, thumbprintSha256: cert.thumbprintSha256, ...(withX5c ? { x5c: cert.cert } : {}) } },
      });
      const [alice] = await h.source.getSchedules(query(['alice@example.com']));
      expect(alice?.ok).toBe(true);
      const [header] = h.fake.assertionHeaders;
      expect(header?.['x5t#S256']).toBe(Buffer.from(cert.thumbprintSha256, 'hex').toString('base64url'));
      if (withX5c) expect(header?.x5c).toEqual([der]);
      else expect(header).not.toHaveProperty('x5c');
      await h.close();
      h = undefined;
    }
  });
});
