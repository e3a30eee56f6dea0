import { pipeline, type Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse';
import { TrailgateError } from '../../domain/trailgate-error';
import type { ValueType } from '../../query/value-types';
import type { Row, RowValue } from '../engine';
import { parseS3Url } from './compaction/s3-url';
import { decoderFor, ResultDecodeError } from './result-decoder';
import { sdkFailure } from './sdk-errors';

export interface ResultObjectSpec {
  readonly s3: S3Client;
  /** QueryExecution.ResultConfiguration.OutputLocation: s3://bucket/<id>.csv */
  readonly location: string;
  /** every column the statement returns, by name, with its type */
  readonly types: ReadonlyMap<string, ValueType>;
  readonly signal: AbortSignal;
  /** rows per batch at most */
  readonly batchRows: number;
}

/** The Trino type whose decoder (result-decoder.ts) reads a logical type's text. */
const TRINO_TYPE = {
  text: 'varchar',
  integer: 'bigint',
  double: 'double',
  boolean: 'boolean',
  // lenient: decodes both `timestamp` and `timestamp with time zone` text
  timestamp: 'timestamp with time zone',
} as const satisfies Record<ValueType, string>;

/**
 * The result of a finished SELECT, read from the object Athena wrote instead of through
 * GetQueryResults (1000 rows a call): a CSV file with a header row, every value quoted and a NULL
 * written as an empty unquoted field (so `""` is the empty string and `,,` is NULL).
 * https://docs.aws.amazon.com/athena/latest/ug/querying.html (query results and output files)
 *
 * The object is parsed as it arrives: the parser pauses the S3 body when the reader stops
 * pulling, so at most about one batch (plus the parser's and socket's buffers) is in memory.
 * Values are decoded by the query's own column types, as GetQueryResults rows are by ColumnInfo;
 * the file carries no types. Aborting `signal` destroys the body (closing the S3 connection).
 */
export async function* readResultObject(spec: ResultObjectSpec): AsyncGenerator<Row[]> {
  const { bucket, key } = parseS3Url(spec.location, 'the query result location');
  let body: Readable;
  try {
    const out = await spec.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: spec.signal });
    body = out.Body as Readable;
    if (!body || typeof body.pipe !== 'function') throw new Error('GetObject returned no body stream');
  } catch (e) {
    if (spec.signal.aborted) throw spec.signal.reason;
    throw sdkFailure(e);
  }
  const parser = parse({ cast: (value, ctx) => (ctx.quoting || value !== '' ? value : null), relax_column_count: false });
  // Errors of either side end the other: a broken download fails the parse, and a parser destroyed
  // by an early return closes the download.
  pipeline(body, parser, () => undefined);
  const onAbort = () => {
    const reason = spec.signal.reason instanceof Error ? spec.signal.reason : new Error('aborted');
    parser.destroy(reason);
    body.destroy(reason);
  };
  spec.signal.addEventListener('abort', onAbort, { once: true });
  try {
    let header: Array<{ name: string; type: ValueType; decode: (text: string, column: string) => RowValue }> | null = null;
    let batch: Row[] = [];
    for await (const record of parser as AsyncIterable<Array<string | null>>) {
      if (!header) {
        header = record.map((name) => {
          const type = name === null ? undefined : spec.types.get(name);
          if (!type || name === null) throw new ResultDecodeError(`unexpected result column ${String(name)}`);
          return { name, type, decode: decoderFor(TRINO_TYPE[type]) };
        });
        if (header.length !== spec.types.size) throw new ResultDecodeError(`the result has ${header.length} columns, the query ${spec.types.size}`);
        continue;
      }
      const row: Record<string, RowValue> = {};
      header.forEach((c, i) => {
        const text = record[i];
        // an empty value of a non-text type cannot be anything but NULL
        row[c.name] = text === null || (text === '' && c.type !== 'text') ? null : c.decode(text, c.name);
      });
      batch.push(row);
      if (batch.length >= spec.batchRows) {
        yield batch;
        batch = [];
      }
    }
    if (!header) throw new ResultDecodeError('the result object is empty (no header row)');
    if (batch.length > 0) yield batch;
  } catch (e) {
    if (spec.signal.aborted) throw spec.signal.reason;
    if (e instanceof TrailgateError) throw e;
    throw new TrailgateError('INTERNAL_SERVER_ERROR', 'The query failed.', { internal: `reading the result object: ${(e as Error)?.message ?? String(e)}`, cause: e });
  } finally {
    spec.signal.removeEventListener('abort', onAbort);
    // Left early (or failed): close the download now, not when the pipeline notices.
    if (!parser.destroyed) parser.destroy();
    if (!body.destroyed) body.destroy();
  }
}
