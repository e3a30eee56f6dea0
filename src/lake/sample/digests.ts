/**
 * CloudTrail digest files: the `CloudTrail-Digest/` sibling prefix real trails write next to the
 * logs. They are JSON objects (no "Records"), so a reader that globs too widely trips on them.
 *
 * One digest per account and day for us-east-1 (real trails write one per hour and region),
 * listing the us-east-1 log files delivered since the previous digest with the SHA-256 of their
 * uncompressed content, chained to the previous digest as CloudTrail does.
 */
import { createHash } from 'node:crypto';
import type { AccountIdentities } from './identities';
import type { Prng } from './prng';
import { iso } from './records';
import type { LakeWriter } from './writer';

interface LogFileEntry {
  key: string;
  delivery: number;
  hash: string;
  oldest: string;
  newest: string;
}

interface DigestChain {
  acct: AccountIdentities;
  day: number;
  from: number;
  end: number;
  prevKey: string | null;
  prevHash: string | null;
  prevSignature: string | null;
  files: LogFileEntry[];
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
/** Digests are written once every log file delivered before their end time exists (delay <= 10 min). */
const SETTLE = 15 * 60;

export class Digests {
  private readonly chains = new Map<string, DigestChain>();

  constructor(
    accounts: AccountIdentities[],
    private readonly spanStart: number,
    private readonly days: number,
    private readonly writer: LakeWriter,
    private readonly rng: Prng,
  ) {
    for (const acct of accounts) {
      this.chains.set(acct.accountId, { acct, day: 0, from: spanStart, end: this.endOf(0), prevKey: null, prevHash: null, prevSignature: null, files: [] });
    }
  }

  /** End of the digest for `day`: late evening, a seeded number of minutes after 23:00. */
  private endOf(day: number): number {
    return this.spanStart + day * 86400 + 23 * 3600 + this.rng.range(0, 40) * 60 + this.rng.range(0, 59);
  }

  /** Remember a us-east-1 log file for the digest that will cover its delivery time. */
  noteLogFile(accountId: string, key: string, delivery: number, content: string, oldest: string, newest: string): void {
    this.chains.get(accountId)?.files.push({ key, delivery, hash: sha256(content), oldest, newest });
  }

  /** Write the digests whose period is over at `now` (all files they cover have been generated). */
  async flushDue(now: number): Promise<void> {
    for (const chain of this.chains.values()) {
      while (chain.day < this.days && now >= chain.end + SETTLE) await this.writeNext(chain);
    }
  }

  async finish(): Promise<void> {
    for (const chain of this.chains.values()) while (chain.day < this.days) await this.writeNext(chain);
  }

  private async writeNext(c: DigestChain): Promise<void> {
    const covered = c.files.filter((f) => f.delivery < c.end);
    c.files = c.files.filter((f) => f.delivery >= c.end);
    const key = this.writer.digestKey(c.acct.accountId, 'us-east-1', c.acct.resources.trailName, c.end);
    const bucket = c.acct.resources.trailBucket.name;
    const oldest = covered.reduce<string | null>((m, f) => (m === null || f.oldest < m ? f.oldest : m), null);
    const newest = covered.reduce<string | null>((m, f) => (m === null || f.newest > m ? f.newest : m), null);
    const text = JSON.stringify({
      awsAccountId: c.acct.accountId,
      digestStartTime: iso(c.from),
      digestEndTime: iso(c.end),
      digestS3Bucket: bucket,
      digestS3Object: key,
      digestPublicKeyFingerprint: sha256(c.acct.accountId).slice(0, 32),
      digestSignatureAlgorithm: 'SHA256withRSA',
      newestEventTime: newest,
      oldestEventTime: oldest,
      previousDigestS3Bucket: c.prevKey ? bucket : null,
      previousDigestS3Object: c.prevKey,
      previousDigestHashValue: c.prevHash,
      previousDigestHashAlgorithm: c.prevKey ? 'SHA-256' : null,
      previousDigestSignature: c.prevSignature,
      logFiles: covered.map((f) => ({ s3Bucket: bucket, s3Object: f.key, hashValue: f.hash, hashAlgorithm: 'SHA-256', newestEventTime: f.newest, oldestEventTime: f.oldest })),
    });
    await this.writer.write(key, text, true);
    c.prevKey = key;
    c.prevHash = sha256(text);
    c.prevSignature = this.rng.hex(512);
    c.day++;
    c.from = c.end;
    c.end = this.endOf(c.day);
  }
}
