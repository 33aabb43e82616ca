// Secrets: where they sit in the settings, and reading the `...File` forms (Kubernetes/Docker/Vault mounts).
import type { EnvLabels, Problem } from './problems.js';
import { errorCode, isPlainObject, type ReadFile } from './yaml-source.js';

/** One secret setting: `holder[key]` inline or `holder[key + 'File']` as a path. */
export interface SecretSlot {
  /** YAML path of the inline form, e.g. `tenants[0].clientSecret`. */
  path: string;
  holder: Record<string, unknown>;
  key: string;
}

/** Every secret present or expected in the (YAML + environment) settings; malformed parts are skipped. */
export function secretSlots(raw: Record<string, unknown>): SecretSlot[] {
  const slots: SecretSlot[] = [];
  if (isPlainObject(raw.tokens)) slots.push({ path: 'tokens.signingKey', holder: raw.tokens, key: 'signingKey' });
  if (isPlainObject(raw.metrics)) slots.push({ path: 'metrics.token', holder: raw.metrics, key: 'token' });
  if (isPlainObject(raw.tokens)) {
    slots.push({ path: 'tokens.previousSigningKey', holder: raw.tokens, key: 'previousSigningKey' });
  }
  eachObject(raw.tenants, (tenant, i) => {
    slots.push({ path: `tenants[${i}].clientSecret`, holder: tenant, key: 'clientSecret' });
    if (isPlainObject(tenant.certificate)) {
      slots.push({ path: `tenants[${i}].certificate.privateKey`, holder: tenant.certificate, key: 'privateKey' });
    }
  });
  const clients = isPlainObject(raw.google) ? raw.google.clients : undefined;
  eachObject(clients, (client, i) => {
    slots.push({ path: `google.clients[${i}].clientSecret`, holder: client, key: 'clientSecret' });
    slots.push({ path: `google.clients[${i}].previousClientSecret`, holder: client, key: 'previousClientSecret' });
  });
  return slots;
}

export function eachObject(list: unknown, visit: (item: Record<string, unknown>, index: number) => void): void {
  if (!Array.isArray(list)) return;
  list.forEach((item, index) => {
    if (isPlainObject(item)) visit(item, index);
  });
}

export function hasInline(slot: SecretSlot): boolean {
  return slot.holder[slot.key] !== undefined;
}

export function hasFile(slot: SecretSlot): boolean {
  return slot.holder[`${slot.key}File`] !== undefined;
}

/** Both forms set: the operator must pick one, whichever layer each came from. */
export function checkSecretForms(slots: SecretSlot[], labels: EnvLabels, problems: Problem[]): void {
  for (const slot of slots) {
    if (!hasInline(slot) || !hasFile(slot)) continue;
    const env = [...(labels.get(slot.path) ?? []), ...(labels.get(`${slot.path}File`) ?? [])];
    problems.push({ path: slot.path, env, message: `set either ${slot.key} or ${slot.key}File, not both` });
  }
}

/**
 * Resolved secret values by inline path. File contents lose one trailing newline (what `echo` and most
 * secret stores add). Values never enter problems; file paths do (they are not secret).
 */
export function resolveSecrets(slots: SecretSlot[], readFile: ReadFile, problems: Problem[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const slot of slots) {
    if (hasInline(slot) && hasFile(slot)) continue;
    const inline = slot.holder[slot.key];
    const file = slot.holder[`${slot.key}File`];
    if (typeof inline === 'string') values.set(slot.path, inline);
    if (typeof file !== 'string' || file === '') continue;
    const where = `${slot.path}File`;
    let content: string;
    try {
      content = readFile(file);
    } catch (err) {
      problems.push({ path: where, message: `cannot read ${file}: ${errorCode(err)}` });
      continue;
    }
    content = content.replace(/\r?\n$/, '');
    if (content === '') problems.push({ path: where, message: `${file} is empty` });
    else values.set(slot.path, content);
  }
  return values;
}

/** File paths of secrets given in their `...File` form, by inline path: rotation re-reads them. */
export function secretFilePaths(slots: SecretSlot[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const slot of slots) {
    const file = slot.holder[`${slot.key}File`];
    if (typeof file === 'string' && file !== '' && !hasInline(slot)) out.set(slot.path, file);
  }
  return out;
}
