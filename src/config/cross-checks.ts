// Checks spanning settings (references, duplicates, credentials), run on the raw settings beside the schema's.
import { ENV_TENANT_ID } from './env-map.js';
import type { Problem } from './problems.js';
import { eachObject, hasFile, hasInline, type SecretSlot } from './secrets.js';
import { isPlainObject } from './yaml-source.js';

export function crossCheck(raw: Record<string, unknown>, slots: SecretSlot[], problems: Problem[]): void {
  const slotAt = (path: string) => slots.find((s) => s.path === path);
  const present = (slot: SecretSlot | undefined) => slot !== undefined && (hasInline(slot) || hasFile(slot));

  const tenantIds = new Map<string, number>();
  eachObject(raw.tenants, (tenant, i) => {
    const id = tenant.id ?? ENV_TENANT_ID;
    if (typeof id !== 'string') return;
    const seen = tenantIds.get(id);
    if (seen === undefined) tenantIds.set(id, i);
    else problems.push({ path: `tenants[${i}].id`, message: `duplicate tenant id "${id}" (also tenants[${seen}])` });

    if (tenant.authority === undefined && tenant.tenantId === undefined) {
      problems.push({ path: `tenants[${i}].authority`, message: "is required (or tenantId, to use the cloud's login host)" });
    }
    const secret = present(slotAt(`tenants[${i}].clientSecret`));
    const certificate = tenant.certificate !== undefined;
    if (!secret && !certificate) {
      problems.push({
        path: `tenants[${i}].clientSecret`,
        message: `tenant "${id}" needs a client secret (clientSecret or clientSecretFile) or a certificate`,
      });
    } else if (secret && certificate) {
      problems.push({
        path: `tenants[${i}].certificate`,
        message: `tenant "${id}" has both a client secret and a certificate; keep one`,
      });
    }
    if (isPlainObject(tenant.certificate) && !present(slotAt(`tenants[${i}].certificate.privateKey`))) {
      problems.push({ path: `tenants[${i}].certificate.privateKey`, message: 'is required (privateKey or privateKeyFile)' });
    }
  });

  const clients = isPlainObject(raw.google) ? raw.google.clients : undefined;
  const clientIds = new Map<string, number>();
  eachObject(clients, (client, i) => {
    if (!present(slotAt(`google.clients[${i}].clientSecret`))) {
      problems.push({ path: `google.clients[${i}].clientSecret`, message: 'is required (clientSecret or clientSecretFile)' });
    }
    if (typeof client.clientId !== 'string') return;
    const seen = clientIds.get(client.clientId);
    if (seen === undefined) clientIds.set(client.clientId, i);
    else problems.push({ path: `google.clients[${i}].clientId`, message: `duplicate Google client id (also google.clients[${seen}])` });
  });

  eachObject(raw.domains, (domain, i) => {
    if (Array.isArray(domain.lookupMailboxes) && domain.lookupMailboxes.length === 0) {
      problems.push({ path: `domains[${i}].lookupMailboxes`, message: 'lists no mailbox (leave it out to use attendees)' });
    }
  });

  const domainNames = new Map<string, number>();
  const known = [...tenantIds.keys()];
  const domainCount = Array.isArray(raw.domains) ? raw.domains.length : 0;
  eachObject(raw.domains, (domain, i) => {
    if (typeof domain.name === 'string') {
      const name = domain.name.toLowerCase();
      const seen = domainNames.get(name);
      if (seen === undefined) domainNames.set(name, i);
      else problems.push({ path: `domains[${i}].name`, message: `duplicate domain "${name}" (also domains[${seen}])` });
    }
    const tenant = domain.tenant ?? ENV_TENANT_ID;
    if (typeof tenant === 'string' && tenant !== '' && !tenantIds.has(tenant)) {
      const configured = known.length === 0 ? 'no tenant is configured' : `configured: ${known.join(', ')}`;
      problems.push({ path: `domains[${i}].tenant`, message: `names tenant "${tenant}", which does not exist (${configured})` });
    }
  });

  const clientCount = Array.isArray(clients) ? clients.length : 0;
  if (domainCount > 0 && clientCount === 0) {
    problems.push({
      path: 'google.clients',
      env: ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET'],
      message: 'domains are configured but no Google client is: Google could not get a token',
    });
  }
  if (tenantIds.size > 0 && domainCount === 0) {
    problems.push({ path: 'domains', env: ['RELAY_DOMAINS'], message: 'a tenant is configured but no domain is served' });
  }
}

/** A Google client's domains must be served ones (a typo would lock it out). */
export function checkClientDomains(raw: Record<string, unknown>, problems: Problem[]): void {
  const served = new Set<string>();
  eachObject(raw.domains, (d) => {
    if (typeof d.name === 'string') served.add(d.name.toLowerCase());
  });
  const clients = isPlainObject(raw.google) ? raw.google.clients : undefined;
  eachObject(clients, (client, i) => {
    if (!Array.isArray(client.domains)) return;
    client.domains.forEach((name: unknown, j) => {
      if (typeof name === 'string' && !served.has(name.toLowerCase())) {
        problems.push({ path: `google.clients[${i}].domains[${j}]`, message: `names domain "${name}", which is not served (see domains)` });
      }
    });
  });
}
