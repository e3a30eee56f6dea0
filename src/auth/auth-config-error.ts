import type { z } from 'zod';
import { ConfigError } from '../config/config';

/**
 * An auth config that cannot be used. Each problem names the offending path
 * (`apiKeys[0].principal: unknown principal "x"`) and never quotes a value, so the message is safe
 * to log even when the bad value is a key hash or an HMAC secret.
 */
export class AuthConfigError extends ConfigError {
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    super(`invalid auth config ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'AuthConfigError';
    this.problems = problems;
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : `${out ? '.' : ''}${String(seg)}`;
  return out || '(top level)';
}

type Issue = z.core.$ZodIssue;

/** Zod issues as `path: message` lines; a union reports the one branch whose shape fits, if any. */
export function formatIssues(issues: readonly Issue[], prefix: readonly PropertyKey[] = []): string[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') return [`${formatPath(path)}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`];
    if (issue.code === 'invalid_key') return formatIssues(issue.issues, path);
    if (issue.code === 'invalid_union') {
      const fitting = issue.errors.filter((branch) => !branch.every((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value')));
      if (fitting.length === 1) return formatIssues(fitting[0], path);
    }
    return [`${formatPath(path)}: ${issue.message}`];
  });
}
