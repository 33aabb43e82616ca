// Layers environment variables over the YAML settings (environment wins) and records which variable sets which path.
import { ENV_TENANT_ID, envForms, type EnvForm, type EnvScope } from './env-map.js';
import type { Problem } from './problems.js';
import { isPlainObject, type Env } from './yaml-source.js';

export interface Overlay {
  /** Concrete YAML path -> variables that set it, for naming settings in problems. */
  labels: Map<string, string[]>;
}

/** Mutates `raw` (a fresh copy of the YAML) in place. Empty variables count as unset. */
export function overlayEnv(raw: Record<string, unknown>, env: Env, problems: Problem[]): Overlay {
  const labels = new Map<string, string[]>();
  const forms = envForms();
  const scoped = (scope: EnvScope) => forms.filter((f) => f.setting.scope === scope);
  const value = (name: string) => (env[name] === '' ? undefined : env[name]);
  const anySet = (fs: EnvForm[]) => fs.some((f) => value(f.name) !== undefined);

  const apply = (target: Record<string, unknown>, prefix: string, fs: EnvForm[]) => {
    for (const f of fs) addLabel(labels, prefix + f.field, f.name);
    // One form of a secret in the environment replaces both forms in the YAML.
    for (const f of fs) {
      if (f.setting.kind === 'secret' && !f.isFile && anySet(fs.filter((g) => g.setting === f.setting))) {
        deletePath(target, f.field.split('.'));
      }
    }
    for (const f of fs) {
      const v = value(f.name);
      if (v === undefined) continue;
      const converted = convertEnv(f.setting.kind, v);
      setPath(target, f.field.split('.'), converted);
    }
  };

  apply(raw, '', scoped('global'));

  const tenantForms = scoped('tenant');
  const tenants = listAt(raw, 'tenants', anySet(tenantForms));
  if (tenants) {
    let index = tenants.findIndex((t) => isPlainObject(t) && (t.id ?? ENV_TENANT_ID) === ENV_TENANT_ID);
    if (index === -1 && anySet(tenantForms)) index = tenants.push({ id: ENV_TENANT_ID }) - 1;
    const tenant = tenants[index];
    if (isPlainObject(tenant)) apply(tenant, `tenants[${index}].`, tenantForms);
  }

  const googleForms = scoped('google');
  const google = objectAt(raw, 'google', anySet(googleForms));
  const clients = google && listAt(google, 'clients', anySet(googleForms));
  if (clients) {
    if (clients.length === 0 && anySet(googleForms)) clients.push({});
    const first = clients[0];
    if (isPlainObject(first)) apply(first, 'google.clients[0].', googleForms);
  }

  overlayDomains(raw, scoped('domains'), value, labels, problems);
  return { labels };
}

function overlayDomains(
  raw: Record<string, unknown>,
  forms: EnvForm[],
  value: (name: string) => string | undefined,
  labels: Map<string, string[]>,
  problems: Problem[],
): void {
  const list = value('RELAY_DOMAINS');
  if (list === undefined) {
    for (const f of forms) {
      if (f.name !== 'RELAY_DOMAINS' && value(f.name) !== undefined) {
        problems.push({ path: 'domains', env: [f.name], message: 'applies to the domains in RELAY_DOMAINS, which is not set' });
      }
    }
    return;
  }
  const domains = listAt(raw, 'domains', true);
  if (!domains) return;
  const fromYaml = domains.length;
  const names = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) problems.push({ path: 'domains', env: ['RELAY_DOMAINS'], message: 'lists no domain' });
  for (const name of names) {
    const entry: Record<string, unknown> = { name, tenant: ENV_TENANT_ID };
    for (const f of forms) {
      const v = value(f.name);
      if (f.name !== 'RELAY_DOMAINS' && v !== undefined) {
        entry[f.field] = f.setting.kind === 'list' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : v;
      }
    }
    // A YAML domain of the same name is replaced; a name repeated inside RELAY_DOMAINS is left for the duplicate check.
    const same = domains.findIndex(
      (d, i) => i < fromYaml && isPlainObject(d) && typeof d.name === 'string' && d.name.toLowerCase() === name.toLowerCase(),
    );
    const index = same === -1 ? domains.push(entry) - 1 : same;
    domains[index] = entry;
    for (const f of forms) addLabel(labels, `domains[${index}].${f.field}`, f.name);
  }
}

function addLabel(labels: Map<string, string[]>, path: string, name: string): void {
  labels.set(path, [...(labels.get(path) ?? []), name]);
}

/** The list at `key`, created when `create`; undefined when absent or not a list (zod reports the latter). */
function listAt(parent: Record<string, unknown>, key: string, create: boolean): unknown[] | undefined {
  if (parent[key] === undefined && create) parent[key] = [];
  const v = parent[key];
  return Array.isArray(v) ? v : undefined;
}

function objectAt(parent: Record<string, unknown>, key: string, create: boolean): Record<string, unknown> | undefined {
  if (parent[key] === undefined && create) parent[key] = {};
  const v = parent[key];
  return isPlainObject(v) ? v : undefined;
}

/** Sets a dotted path, creating objects; leaves a wrongly typed YAML value alone for zod to report. */
function setPath(target: Record<string, unknown>, segments: string[], v: unknown): void {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = v;
    return;
  }
  const child = objectAt(target, head, true);
  if (child) setPath(child, rest, v);
}

/** Deletes a secret's inline and file forms at a dotted path. */
function deletePath(target: Record<string, unknown>, segments: string[]): void {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  if (rest.length === 0) {
    delete target[head];
    delete target[`${head}File`];
    return;
  }
  const child = target[head];
  if (isPlainObject(child)) deletePath(child, rest);
}

/** Text of a variable as the schema wants it; left as text when it does not convert, for zod to report. */
function convertEnv(kind: EnvForm['setting']['kind'], v: string): unknown {
  if (kind === 'integer' && /^\s*\d+\s*$/.test(v)) return Number(v);
  if (kind === 'boolean' && /^\s*(true|false)\s*$/i.test(v)) return v.trim().toLowerCase() === 'true';
  if (kind === 'list') return v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return v;
}
