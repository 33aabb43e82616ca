// Checks spanning the edge settings: a Google client's domains must be served ones (a typo would lock it out).
import type { Problem } from './problems.js';
import { eachObject } from './secrets.js';
import { isPlainObject } from './yaml-source.js';

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
