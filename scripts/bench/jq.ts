import { execFileSync } from 'node:child_process';
import { runCommand } from './child-processes';
import { measure, type Timings } from './timing';
import { IDENTITY_KEY_JQ, topOf, type TopList } from './top-list';

/**
 * (a) The shell pipeline people reach for: every event file under the CloudTrail folders, through
 * zcat and jq, then sort | uniq -c. It counts re-delivered duplicates (nothing de-duplicates), and
 * filters no time range: over the whole lake every event is inside the question's range.
 */
const PIPELINE =
  'set -o pipefail; find "$1" -path "*/CloudTrail/*" -name "*.json.gz" -print0 | xargs -0 zcat | jq -r "$2" | LC_ALL=C sort | uniq -c | sort -rn';

export const JQ_PROGRAM = `.Records[] | ${IDENTITY_KEY_JQ}`;

export function jqVersion(): string | null {
  try {
    return execFileSync('jq', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export interface JqResult {
  readonly timings: Timings;
  readonly top: TopList;
  readonly pipeline: string;
}

/** The pipeline as a reader would type it. */
export const JQ_PIPELINE = `find LAKE -path '*/CloudTrail/*' -name '*.json.gz' -print0 | xargs -0 zcat | jq -r '${JQ_PROGRAM}' | LC_ALL=C sort | uniq -c | sort -rn`;

/** One run of the pipeline: its duration and answer. */
export async function jqOnce(lakeDir: string, deadlineMs: number): Promise<{ ms: number; top: TopList }> {
  const { stdout, ms } = await runCommand('bash', ['-c', PIPELINE, 'jq-top-users', lakeDir, JQ_PROGRAM], deadlineMs);
  return { ms, top: topOf(parseUniqCounts(stdout)) };
}

export async function jqTopUsers(lakeDir: string, runs: number, deadlineMs: number): Promise<JqResult> {
  let top: TopList = [];
  const timings = await measure(runs, 0, async () => {
    const once = await jqOnce(lakeDir, deadlineMs);
    top = once.top;
    return once.ms;
  });
  return { timings, top, pipeline: JQ_PIPELINE };
}

function* parseUniqCounts(text: string): Iterable<{ key: string; count: number }> {
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+) (.*)$/.exec(line);
    if (m) yield { key: m[2], count: Number(m[1]) };
  }
}
