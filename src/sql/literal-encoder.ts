/**
 * The one door through which a value becomes SQL text, for engines that do not bind parameters
 * (Athena/Trino). Strings go in single quotes with `'` doubled, never a backslash (Trino has no
 * backslash escapes in string literals); integers must be safe; instants are rendered from parsed
 * Date values, never from client text.
 * https://trino.io/docs/current/language/types.html#string
 */
export type EncodableValue = string | number | boolean | null | Date;

export function encodeString(s: string): string {
  if (typeof s !== 'string') throw new TypeError('encodeString: not a string');
  // NUL cannot appear in a Trino varchar literal; no CloudTrail value carries one.
  if (s.includes('\u0000')) throw new RangeError('encodeString: NUL character');
  return `'${s.replace(/'/g, "''")}'`;
}

export function encodeNumber(n: number): string {
  if (Number.isInteger(n)) {
    if (!Number.isSafeInteger(n)) throw new RangeError(`encodeNumber: unsafe integer ${n}`);
    return String(n);
  }
  if (!Number.isFinite(n)) throw new RangeError(`encodeNumber: not finite`);
  return `DOUBLE '${String(n)}'`;
}

export function encodeInstant(d: Date): string {
  const t = d.getTime();
  if (!Number.isFinite(t)) throw new RangeError('encodeInstant: invalid date');
  return `from_iso8601_timestamp(${encodeString(d.toISOString())})`;
}

export function encodeLiteral(v: EncodableValue): string {
  if (v === null) return 'NULL';
  if (v instanceof Date) return encodeInstant(v);
  switch (typeof v) {
    case 'string':
      return encodeString(v);
    case 'number':
      return encodeNumber(v);
    case 'boolean':
      return v ? 'TRUE' : 'FALSE';
    default:
      throw new TypeError(`encodeLiteral: unsupported ${typeof v}`);
  }
}
