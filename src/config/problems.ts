// Configuration problems: how each is named (YAML path + environment variable) and the one error that lists them.
import type { z } from 'zod';

/** One thing wrong with the configuration. Messages never carry a setting's value (it may be a secret). */
export interface Problem {
  /** YAML path, e.g. `tenants[0].authority`, or a label such as `config file`. */
  path: string;
  message: string;
  /** Variables that set this path; looked up from the labels when absent. */
  env?: readonly string[];
}

/** Concrete YAML path -> the environment variables that set it. */
export type EnvLabels = ReadonlyMap<string, readonly string[]>;

export type PathSegment = string | number | symbol;

function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? String(s) : `.${String(s)}`;
  }
  return out === '' ? '(top level)' : out;
}

export function formatProblem(problem: Problem, labels: EnvLabels): string {
  const env = problem.env ?? labels.get(problem.path) ?? [];
  const named = env.length > 0 ? `${problem.path} (${env.join(' / ')})` : problem.path;
  return `${named}: ${problem.message}`;
}

/** Thrown by loadConfig: every problem found, one per line, so an operator fixes them in one pass. */
export class ConfigError extends Error {
  readonly code = 'ERR_RELAY_CONFIG' as const;
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const lines = [...new Set(problems)];
    const count = lines.length === 1 ? '1 problem' : `${lines.length} problems`;
    super(`invalid relay configuration (${count}):\n${lines.map((l) => `  ${l}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = Object.freeze(lines);
  }
}

/** Zod issues as problems; `unrecognized_keys` becomes one problem per unknown key. */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[]): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message: 'unknown setting (check the spelling against docs/configuration.md)',
      }));
    }
    return [{ path: formatPath(issue.path), message: describeIssue(issue) }];
  });
}

// Zod's own wording is kept except where the input's type says more; the input itself is never printed.
function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    if (issue.expected === 'number' && typeof issue.input === 'string') return 'must be a whole number';
    if (issue.input === null) return `is empty (expected ${issue.expected})`;
  }
  if (issue.code === 'invalid_value' && issue.values.length > 1) {
    return `must be one of ${issue.values.map((v) => String(v)).join(', ')}`;
  }
  return issue.message;
}
