import type { Column as GlueColumn, StorageDescriptor, TableInput } from '@aws-sdk/client-glue';
import { parseHiveType, renderHiveType, type HiveType } from './hive-types';

/** The parts of a Glue table `glue apply` manages (GetTable's Table and a TableInput both fit). */
export interface TableShape {
  readonly Description?: string;
  readonly TableType?: string;
  readonly Parameters?: Readonly<Record<string, string>>;
  readonly PartitionKeys?: readonly GlueColumn[];
  readonly StorageDescriptor?: StorageDescriptor;
}

/**
 * What UpdateTable should send: the definition, plus the existing table's parameters the definition
 * does not speak about (Glue and Athena add some, e.g. `transient_lastDdlTime`, and owners add
 * their own). Stale `projection.*` keys and the location template are dropped: they belong to the
 * definition.
 */
export function mergeForUpdate(existing: TableShape, desired: TableInput): TableInput {
  const owned = (k: string) => k.startsWith('projection.') || k === 'storage.location.template';
  const keep = (p: Readonly<Record<string, string>> | undefined, filter: (k: string) => boolean) =>
    Object.fromEntries(Object.entries(p ?? {}).filter(([k]) => filter(k)));
  const sd = desired.StorageDescriptor ?? {};
  const old = existing.StorageDescriptor ?? {};
  const serde = { ...keep(old.SerdeInfo?.Parameters, () => true), ...(sd.SerdeInfo?.Parameters ?? {}) };
  const sdParams = { ...keep(old.Parameters, () => true), ...(sd.Parameters ?? {}) };
  return {
    ...desired,
    Parameters: { ...keep(existing.Parameters, (k) => !owned(k)), ...(desired.Parameters ?? {}) },
    StorageDescriptor: {
      ...sd,
      ...(Object.keys(sdParams).length ? { Parameters: sdParams } : {}),
      SerdeInfo: { ...(sd.SerdeInfo ?? {}), ...(Object.keys(serde).length ? { Parameters: serde } : {}) },
    },
  };
}

/** Readable differences from `current` to `next`, one line each; empty when they agree. */
export function diffTables(current: TableShape, next: TableShape): string[] {
  const out: string[] = [];
  const a = current.StorageDescriptor ?? {};
  const b = next.StorageDescriptor ?? {};
  scalar(out, 'Description', current.Description, next.Description);
  scalar(out, 'TableType', current.TableType, next.TableType);
  scalar(out, 'Location', a.Location, b.Location);
  scalar(out, 'InputFormat', a.InputFormat, b.InputFormat);
  scalar(out, 'OutputFormat', a.OutputFormat, b.OutputFormat);
  scalar(out, 'SerDe', a.SerdeInfo?.SerializationLibrary, b.SerdeInfo?.SerializationLibrary);
  scalar(out, 'Compressed', String(a.Compressed ?? false), String(b.Compressed ?? false));
  columns(out, 'column', a.Columns ?? [], b.Columns ?? []);
  columns(out, 'partition key', current.PartitionKeys ?? [], next.PartitionKeys ?? []);
  params(out, 'table parameter', current.Parameters, next.Parameters);
  params(out, 'SerDe parameter', a.SerdeInfo?.Parameters, b.SerdeInfo?.Parameters);
  params(out, 'storage parameter', a.Parameters, b.Parameters);
  return out;
}

function scalar(out: string[], what: string, a: string | undefined, b: string | undefined): void {
  if ((a ?? '') !== (b ?? '')) out.push(`~ ${what}: ${JSON.stringify(a ?? null)} -> ${JSON.stringify(b ?? null)}`);
}

function params(out: string[], what: string, a: Readonly<Record<string, string>> = {}, b: Readonly<Record<string, string>> = {}): void {
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (!(k in b)) out.push(`- ${what} ${k} (was ${JSON.stringify(a[k])})`);
    else if (!(k in a)) out.push(`+ ${what} ${k} = ${JSON.stringify(b[k])}`);
    else if (a[k] !== b[k]) out.push(`~ ${what} ${k}: ${JSON.stringify(a[k])} -> ${JSON.stringify(b[k])}`);
  }
}

/** A type in canonical compact form (Glue may echo spaces or upper case back). */
function canonical(type: string | undefined): string {
  try {
    return renderHiveType(parseHiveType(type ?? ''));
  } catch {
    return (type ?? '').replace(/\s+/g, '').toLowerCase();
  }
}

function columns(out: string[], what: string, a: readonly GlueColumn[], b: readonly GlueColumn[]): void {
  const name = (c: GlueColumn) => (c.Name ?? '').toLowerCase();
  const before = new Map(a.map((c) => [name(c), canonical(c.Type)]));
  const after = new Map(b.map((c) => [name(c), canonical(c.Type)]));
  for (const [n, t] of before) if (!after.has(n)) out.push(`- ${what} ${n} ${t}`);
  for (const [n, t] of after) {
    const was = before.get(n);
    if (was === undefined) out.push(`+ ${what} ${n} ${t}`);
    else if (was !== t) out.push(`~ ${what} ${n}: ${memberChanges(was, t)}`);
  }
  const order = (m: Map<string, string>, other: Map<string, string>) => [...m.keys()].filter((k) => other.has(k)).join(',');
  if (order(before, after) !== order(after, before)) out.push(`~ ${what} order: ${[...after.keys()].join(', ')}`);
}

/** Struct member changes (`+ member sessioncontext.sourceidentity string`), else the whole types. */
function memberChanges(was: string, now: string): string {
  try {
    const x = leaves(parseHiveType(was));
    const y = leaves(parseHiveType(now));
    const changes: string[] = [];
    for (const [p, t] of x) if (!y.has(p)) changes.push(`- member ${p} ${t}`);
    for (const [p, t] of y) {
      if (!x.has(p)) changes.push(`+ member ${p} ${t}`);
      else if (x.get(p) !== t) changes.push(`~ member ${p} ${x.get(p)} -> ${t}`);
    }
    if (changes.length > 0 && changes.length <= 12) return changes.join(', ');
  } catch {
    // fall through to the whole types
  }
  return `${was} -> ${now}`;
}

function leaves(t: HiveType, prefix = '', acc = new Map<string, string>()): Map<string, string> {
  if (t.kind === 'struct') for (const f of t.fields) leaves(f.type, prefix ? `${prefix}.${f.name}` : f.name, acc);
  else if (t.kind === 'array' && t.of.kind === 'struct') leaves(t.of, `${prefix}[]`, acc);
  else acc.set(prefix || '(value)', renderHiveType(t));
  return acc;
}
