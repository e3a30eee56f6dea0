import { promises as fs, statSync } from 'node:fs';
import { setImmediate } from 'node:timers/promises';
import path from 'node:path';
import type { PartitionRef } from '../query/partition-planner';

/**
 * Discovers the partitions of a local CloudTrail lake, laid out as `aws s3 sync` leaves it:
 *   [prefix/]AWSLogs/[o-<orgid>/]<account>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/*.json.gz
 * Only `CloudTrail/` is read: the sibling `CloudTrail-Digest/`, `CloudTrail-Insight/` and
 * `CloudTrail-NetworkActivity/` prefixes hold other record shapes.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-find-log-files.html
 */
export interface LakePartition extends PartitionRef {
  readonly dir: string;
}

const ACCOUNT = /^\d{12}$/;
const ORG = /^o-[a-z0-9]{4,32}$/;
const REGION = /^[a-z0-9-]{2,40}$/;
const MAX_PREFIX_DEPTH = 4;

async function subdirs(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw e;
  }
}

/** Every AWSLogs folder at or below root (the root itself, or under bucket prefixes). */
async function findAwsLogsRoots(dir: string, depth: number): Promise<string[]> {
  if (path.basename(dir) === 'AWSLogs') return [dir];
  if (depth > MAX_PREFIX_DEPTH) return [];
  const found = await Promise.all((await subdirs(dir)).map((d) => findAwsLogsRoots(path.join(dir, d), depth + 1)));
  return found.flat();
}

async function accountDirs(awsLogs: string): Promise<Array<{ account: string; dir: string }>> {
  const out: Array<{ account: string; dir: string }> = [];
  for (const name of await subdirs(awsLogs)) {
    if (ACCOUNT.test(name)) out.push({ account: name, dir: path.join(awsLogs, name) });
    else if (ORG.test(name)) {
      for (const acct of await subdirs(path.join(awsLogs, name))) {
        if (ACCOUNT.test(acct)) out.push({ account: acct, dir: path.join(awsLogs, name, acct) });
      }
    }
  }
  return out;
}

async function dayDirs(regionDir: string): Promise<Array<{ day: string; dir: string }>> {
  const out: Array<{ day: string; dir: string }> = [];
  for (const y of (await subdirs(regionDir)).filter((n) => /^\d{4}$/.test(n))) {
    for (const m of (await subdirs(path.join(regionDir, y))).filter((n) => /^\d{2}$/.test(n))) {
      for (const d of (await subdirs(path.join(regionDir, y, m))).filter((n) => /^\d{2}$/.test(n))) {
        out.push({ day: `${y}-${m}-${d}`, dir: path.join(regionDir, y, m, d) });
      }
    }
  }
  return out;
}

export async function scanLakePartitions(root: string): Promise<LakePartition[]> {
  const roots = await findAwsLogsRoots(path.resolve(root), 0);
  const accounts = (await Promise.all(roots.map(accountDirs))).flat();
  const perRegion = await Promise.all(
    accounts.flatMap(({ account, dir }) =>
      [path.join(dir, 'CloudTrail')].map(async (ct) =>
        Promise.all(
          (await subdirs(ct))
            .filter((r) => REGION.test(r))
            .map(async (region) => (await dayDirs(path.join(ct, region))).map((d) => ({ account, region, day: d.day, dir: d.dir }))),
        ),
      ),
    ),
  );
  return perRegion.flat(2).sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

export interface LakeFile {
  readonly path: string;
  readonly bytes: number;
}

/** Log files of one partition folder (gzip JSON, or plain JSON as some tools leave them). */
export async function listPartitionFiles(dir: string): Promise<LakeFile[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  const names = entries.filter((e) => e.isFile() && /\.json(\.gz)?$/.test(e.name)).map((e) => e.name).sort();
  const files: LakeFile[] = [];
  for (let i = 0; i < names.length; i += STAT_CHUNK) {
    if (i > 0) await setImmediate();
    for (const n of names.slice(i, i + STAT_CHUNK)) {
      const p = path.join(dir, n);
      const st = statSync(p, { throwIfNoEntry: false });
      if (st) files.push({ path: p, bytes: st.size }); // else removed since the listing
    }
  }
  return files;
}

/**
 * Files stat'ed synchronously per listing step: a stat of a listed (cached) inode costs a few µs
 * synchronously, against ~12 µs through the thread pool (80,892 files: 0.3 s against 1.0 s), and a
 * step of 256 holds the event loop for about a millisecond.
 */
const STAT_CHUNK = 256;
