import type { ColumnInfo, Row as AthenaRow } from '@aws-sdk/client-athena';
import type { Row, RowValue } from '../engine';

/**
 * GetQueryResults returns every value as text (Datum.VarCharValue) beside the column's Trino
 * type in ResultSetMetadata.ColumnInfo; a SQL NULL is a Datum without VarCharValue. Values are
 * decoded by that type, never by guessing from the text.
 * https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html
 * https://docs.aws.amazon.com/athena/latest/ug/data-types.html
 *
 * Complex values (array, map, row) are kept as the text Athena sends; queries that need them
 * select them as JSON text (`json_format(CAST(x AS JSON))`) so that text is well-formed.
 */
export class ResultDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResultDecodeError';
  }
}

type Decoder = (text: string, column: string) => RowValue;

const INTEGER = /^[+-]?\d+$/;
// Trino renders `timestamp` as 'YYYY-MM-DD HH:MM:SS.fff' and `timestamp with time zone` with the
// zone after a space: '... UTC', '... Z' or an offset such as '+02:00'.
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,12}))?(?: ?(.+))?$/;
const UTC_ZONES = new Set(['UTC', 'Z', 'GMT', 'Etc/UTC', 'UCT', 'Zulu']);
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

const integer: Decoder = (text, column) => {
  if (!INTEGER.test(text)) throw new ResultDecodeError(`column ${column}: not an integer`);
  const n = Number(text);
  // A bigint beyond 2^53 would silently lose digits as a JS number.
  if (!Number.isSafeInteger(n)) throw new ResultDecodeError(`column ${column}: integer outside the safe range`);
  return n;
};

const float: Decoder = (text, column) => {
  const n = text === 'NaN' ? NaN : Number(text);
  if (text.trim() === '' || (Number.isNaN(n) && text !== 'NaN')) throw new ResultDecodeError(`column ${column}: not a number`);
  return n;
};

const boolean: Decoder = (text, column) => {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new ResultDecodeError(`column ${column}: not a boolean`);
};

function zoneOffsetMinutes(zone: string | undefined, withZone: boolean, column: string): number {
  if (zone === undefined) return 0; // timestamp without zone: CloudTrail times are UTC
  if (!withZone) throw new ResultDecodeError(`column ${column}: unexpected zone on a timestamp`);
  if (UTC_ZONES.has(zone)) return 0;
  const m = OFFSET.exec(zone);
  if (!m) throw new ResultDecodeError(`column ${column}: unsupported time zone`);
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

const timestamp =
  (withZone: boolean): Decoder =>
  (text, column) => {
    const m = TIMESTAMP.exec(text);
    if (!m) throw new ResultDecodeError(`column ${column}: not a timestamp`);
    const millis = (m[3] ?? '').padEnd(3, '0').slice(0, 3); // Date holds milliseconds only
    const local = Date.parse(`${m[1]}T${m[2]}.${millis}Z`);
    if (Number.isNaN(local)) throw new ResultDecodeError(`column ${column}: not a timestamp`);
    return new Date(local - zoneOffsetMinutes(m[4], withZone, column) * 60_000);
  };

const date: Decoder = (text, column) => {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : NaN;
  // Date.parse rolls an impossible day over (02-30 → 03-01); a round trip catches it.
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== text) throw new ResultDecodeError(`column ${column}: not a date`);
  return new Date(t);
};

const text: Decoder = (t) => t;

const DECODERS = {
  varchar: text,
  char: text,
  json: text,
  bigint: integer,
  integer,
  int: integer,
  smallint: integer,
  tinyint: integer,
  double: float,
  real: float,
  float,
  decimal: float,
  boolean,
  timestamp: timestamp(false),
  'timestamp with time zone': timestamp(true),
  date,
  array: text,
  map: text,
  row: text,
} satisfies Record<string, Decoder>;

/** 'timestamp(3) with time zone' → 'timestamp with time zone'; 'decimal(10,2)' → 'decimal'; 'array(varchar)' → 'array'. */
function baseType(type: string): string {
  const t = type.trim().toLowerCase();
  const complex = /^(array|map|row)\b/.exec(t);
  return complex ? complex[1] : t.replace(/\(\s*[\d\s,]*\)/g, '').replace(/\s+/g, ' ').trim();
}

/** The decoder for a ColumnInfo type; types without one (varbinary, time, ipaddress, ...) stay text. */
export function decoderFor(type: string | undefined): Decoder {
  const t = baseType(type ?? 'varchar');
  return (DECODERS as Record<string, Decoder>)[t] ?? text;
}

/** Decodes one page of GetQueryResults rows against the result set's columns. */
export function decodeRows(columns: readonly ColumnInfo[], rows: readonly AthenaRow[]): Row[] {
  const names = columns.map((c, i) => c.Name ?? c.Label ?? `_col${i}`);
  const decoders = columns.map((c) => decoderFor(c.Type));
  return rows.map((r) => {
    const data = r.Data ?? [];
    const out: Record<string, RowValue> = {};
    names.forEach((name, i) => {
      const v = data[i]?.VarCharValue;
      out[name] = v === undefined ? null : decoders[i](v, name);
    });
    return out;
  });
}
