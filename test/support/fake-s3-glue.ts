import {
  BatchDeletePartitionCommand,
  type BatchDeletePartitionRequest,
  GetPartitionsCommand,
  type GetPartitionsRequest,
  GetTableCommand,
  type GetTableRequest,
  GlueClient,
  type Partition,
  type Table,
} from '@aws-sdk/client-glue';
import {
  DeleteObjectsCommand,
  type DeleteObjectsRequest,
  GetObjectCommand,
  type GetObjectRequest,
  ListObjectsV2Command,
  type ListObjectsV2Request,
  PutObjectCommand,
  type PutObjectRequest,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

/** An S3 error as the SDK raises it (name and HTTP status). */
export function s3Error(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

/**
 * An in-memory S3 behind aws-sdk-client-mock: ListObjectsV2 (prefix, delimiter, pages of
 * `pageSize`), GetObject, PutObject with If-Match / If-None-Match, DeleteObjects. `events` logs
 * every call in order, for tests about what happened before what.
 */
export class FakeS3 {
  readonly mock = mockClient(S3Client);
  readonly objects = new Map<string, { body: string; etag: string }>();
  readonly events: string[] = [];
  /** every accepted PutObject, in order */
  readonly puts: Array<{ key: string; body: string }> = [];
  private version = 0;

  constructor(private readonly pageSize = 1000) {
    this.mock.on(ListObjectsV2Command).callsFake((i: ListObjectsV2Request) => this.list(i));
    this.mock.on(GetObjectCommand).callsFake((i: GetObjectRequest) => {
      this.events.push(`get ${i.Key}`);
      const o = this.objects.get(`${i.Bucket}/${i.Key}`);
      if (!o) throw s3Error('NoSuchKey', 404);
      return { ETag: o.etag, Body: { transformToString: async () => o.body } };
    });
    this.mock.on(PutObjectCommand).callsFake((i: PutObjectRequest) => {
      const key = `${i.Bucket}/${i.Key}`;
      const existing = this.objects.get(key);
      if (i.IfNoneMatch === '*' && existing) throw s3Error('PreconditionFailed', 412);
      if (i.IfMatch !== undefined && existing?.etag !== i.IfMatch) throw s3Error('PreconditionFailed', 412);
      this.events.push(`put ${i.Key}`);
      this.puts.push({ key: String(i.Key), body: String(i.Body) });
      this.put(key, String(i.Body));
      return { ETag: this.objects.get(key)!.etag };
    });
    this.mock.on(DeleteObjectsCommand).callsFake((i: DeleteObjectsRequest) => {
      for (const o of i.Delete?.Objects ?? []) this.objects.delete(`${i.Bucket}/${o.Key}`);
      this.events.push(`delete ${(i.Delete?.Objects ?? []).length} ${i.Delete?.Objects?.[0]?.Key ?? ''}`);
      return {};
    });
  }

  /** `bucket/key` → body */
  put(path: string, body = 'x'): void {
    this.objects.set(path, { body, etag: `"v${++this.version}"` });
  }

  keys(prefix: string): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  text(path: string): string | undefined {
    return this.objects.get(path)?.body;
  }

  restore(): void {
    this.mock.restore();
  }

  private list(i: ListObjectsV2Request) {
    this.events.push(`list ${i.Prefix}`);
    const prefix = `${i.Bucket}/${i.Prefix ?? ''}`;
    const keys = this.keys(prefix).map((k) => k.slice(i.Bucket!.length + 1));
    if (i.Delimiter) {
      const folders = [...new Set(keys.map((k) => k.slice(i.Prefix!.length)).filter((k) => k.includes(i.Delimiter!)).map((k) => k.split(i.Delimiter!)[0]))];
      return { CommonPrefixes: folders.map((f) => ({ Prefix: `${i.Prefix}${f}${i.Delimiter}` })), IsTruncated: false };
    }
    const start = i.ContinuationToken ? Number(i.ContinuationToken) : 0;
    const page = keys.slice(start, start + this.pageSize);
    const more = start + this.pageSize < keys.length;
    return {
      Contents: page.map((Key) => ({ Key, Size: this.objects.get(`${i.Bucket}/${Key}`)!.body.length })),
      IsTruncated: more,
      ...(more ? { NextContinuationToken: String(start + this.pageSize) } : {}),
    };
  }
}

/**
 * An in-memory Glue catalogue: tables by name, partitions per table (GetPartitions understands
 * the `key = 'value' AND …` expressions compaction sends), BatchDeletePartition.
 */
export class FakeGlue {
  readonly mock = mockClient(GlueClient);
  readonly partitions = new Map<string, Partition[]>();

  constructor(readonly tables: Record<string, Table>) {
    this.mock.on(GetTableCommand).callsFake((i: GetTableRequest) => {
      const t = this.tables[i.Name!];
      if (!t) throw Object.assign(new Error('not found'), { name: 'EntityNotFoundException' });
      return { Table: t };
    });
    this.mock.on(GetPartitionsCommand).callsFake((i: GetPartitionsRequest) => {
      const keys = (this.tables[i.TableName!].PartitionKeys ?? []).map((k) => k.Name!);
      const terms = [...(i.Expression ?? '').matchAll(/(\w+) = '([^']*)'/g)].map((m) => [keys.indexOf(m[1]), m[2]] as const);
      return { Partitions: (this.partitions.get(i.TableName!) ?? []).filter((p) => terms.every(([k, v]) => p.Values![k] === v)) };
    });
    this.mock.on(BatchDeletePartitionCommand).callsFake((i: BatchDeletePartitionRequest) => {
      const gone = new Set((i.PartitionsToDelete ?? []).map((p) => p.Values!.join('/')));
      this.partitions.set(i.TableName!, (this.partitions.get(i.TableName!) ?? []).filter((p) => !gone.has(p.Values!.join('/'))));
      return { Errors: [] };
    });
  }

  addPartition(table: string, values: string[], location?: string): void {
    const list = this.partitions.get(table) ?? [];
    if (!list.some((p) => p.Values!.join('/') === values.join('/'))) list.push({ Values: values, ...(location ? { StorageDescriptor: { Location: location } } : {}) });
    this.partitions.set(table, list);
  }

  restore(): void {
    this.mock.restore();
  }
}
