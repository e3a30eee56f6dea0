/**
 * Writes the lake in the layout `aws s3 sync` leaves behind:
 *   AWSLogs/[o-<org>/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 alnum>.json.gz
 *   AWSLogs/[o-<org>/]<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/<account>_CloudTrail-Digest_<region>_<trail>_<region>_<YYYYMMDDTHHmmssZ>.json.gz
 *
 * Compression and file I/O run in worker threads so the main thread only builds records; at
 * most `maxInFlight` files are queued, which bounds memory. The worker is plain JS passed with
 * `eval: true`, so it runs the same under ts-node, jest and bundles (no worker file to resolve).
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';

export interface WriterOptions {
  out: string;
  orgId?: string;
  level: number;
  maxInFlight: number;
  workers: number;
}

interface Job {
  id: number;
  file: string;
  content: string;
}
interface Done {
  id: number;
  bytes: number;
  error?: string;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const made = new Set();
parentPort.on('message', (job) => {
  try {
    const dir = path.dirname(job.file);
    if (!made.has(dir)) { fs.mkdirSync(dir, { recursive: true }); made.add(dir); }
    const gz = zlib.gzipSync(job.content, { level: workerData.level });
    fs.writeFileSync(job.file, gz);
    parentPort.postMessage({ id: job.id, bytes: gz.length });
  } catch (err) {
    parentPort.postMessage({ id: job.id, bytes: 0, error: String((err && err.message) || err) });
  }
});
`;

const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));

/** Date parts of a UTC instant (seconds): folder and file-name stamps. */
export function dateParts(t: number): { yyyy: string; mm: string; dd: string; hh: string; mi: string; ss: string } {
  const d = new Date(t * 1000);
  return {
    yyyy: String(d.getUTCFullYear()),
    mm: pad2(d.getUTCMonth() + 1),
    dd: pad2(d.getUTCDate()),
    hh: pad2(d.getUTCHours()),
    mi: pad2(d.getUTCMinutes()),
    ss: pad2(d.getUTCSeconds()),
  };
}

export class LakeWriter {
  /** Files and compressed bytes under CloudTrail/ (event log files). */
  logFiles = 0;
  logBytes = 0;
  digestFiles = 0;
  digestBytes = 0;
  private readonly workers: Worker[];
  private readonly pending = new Map<number, boolean>();
  private nextId = 0;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly prefix: string;

  constructor(private readonly o: WriterOptions) {
    this.prefix = o.orgId ? `AWSLogs/o-${o.orgId.replace(/^o-/, '')}/` : 'AWSLogs/';
    this.workers = Array.from({ length: Math.max(1, o.workers) }, () => {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { level: o.level } });
      w.on('message', (d: Done) => this.done(d));
      w.on('error', (err: Error) => this.fail(err));
      return w;
    });
  }

  /** Object key relative to the bucket root (what digest files reference). */
  logKey(account: string, region: string, delivery: number, suffix: string): string {
    const p = dateParts(delivery);
    return `${this.prefix}${account}/CloudTrail/${region}/${p.yyyy}/${p.mm}/${p.dd}/${account}_CloudTrail_${region}_${p.yyyy}${p.mm}${p.dd}T${p.hh}${p.mi}Z_${suffix}.json.gz`;
  }

  digestKey(account: string, region: string, trail: string, t: number): string {
    const p = dateParts(t);
    return `${this.prefix}${account}/CloudTrail-Digest/${region}/${p.yyyy}/${p.mm}/${p.dd}/${account}_CloudTrail-Digest_${region}_${trail}_${region}_${p.yyyy}${p.mm}${p.dd}T${p.hh}${p.mi}${p.ss}Z.json.gz`;
  }

  /** Queue `content` (gzip'd) under the bucket-relative `key`; waits only when too many files are pending. */
  async write(key: string, content: string, digest: boolean): Promise<void> {
    while (this.pending.size >= this.o.maxInFlight && !this.failure) await this.sleep();
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    this.pending.set(id, digest);
    const job: Job = { id, file: path.join(this.o.out, key), content };
    this.workers[id % this.workers.length].postMessage(job);
  }

  /** Wait for every queued file, then stop the threads. */
  async close(): Promise<void> {
    try {
      while (this.pending.size > 0 && !this.failure) await this.sleep();
    } finally {
      await this.dispose();
    }
    if (this.failure) throw this.failure;
  }

  /** Stop the threads without waiting for queued files (idempotent; used when generation fails). */
  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private done(d: Done): void {
    const digest = this.pending.get(d.id);
    this.pending.delete(d.id);
    if (d.error) return this.fail(new Error(`writing sample lake file failed: ${d.error}`));
    if (digest) {
      this.digestFiles++;
      this.digestBytes += d.bytes;
    } else {
      this.logFiles++;
      this.logBytes += d.bytes;
    }
    this.resume();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.resume();
  }

  private resume(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}
