/** One finding of `trailgate doctor`. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface DoctorCheck {
  readonly name: string;
  readonly status: CheckStatus;
  /** what was found, one line */
  readonly summary: string;
  /** what to do about it (warn and fail) */
  readonly fix?: string;
}

export const check = (name: string, status: CheckStatus, summary: string, fix?: string): DoctorCheck =>
  Object.freeze({ name, status, summary, ...(fix ? { fix } : {}) });

/** `1 partition`, `3 partitions` */
export const counted = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

const LABEL = { ok: 'ok', warn: 'WARN', fail: 'FAIL', skip: 'skip' } as const satisfies Record<CheckStatus, string>;

/** The report as text: one line per check, its fix indented under it, then the count. */
export function renderChecks(title: string, checks: readonly DoctorCheck[]): string {
  const width = Math.max(...checks.map((c) => c.name.length), 4);
  const lines = [title];
  for (const c of checks) {
    lines.push(`  ${LABEL[c.status].padEnd(4)}  ${c.name.padEnd(width)}  ${c.summary}`);
    if (c.fix) lines.push(`  ${' '.repeat(6 + width)}  fix: ${c.fix}`);
  }
  const problems = checks.filter((c) => c.status === 'fail').length;
  const warnings = checks.filter((c) => c.status === 'warn').length;
  lines.push(problems + warnings === 0 ? 'No problems found.' : `${problems} problem${problems === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.`);
  return `${lines.join('\n')}\n`;
}

/** Non-zero when a check failed; warnings alone pass. */
export const exitCode = (checks: readonly DoctorCheck[]): number => (checks.some((c) => c.status === 'fail') ? 1 : 0);
