import { decodeRows, decoderFor, ResultDecodeError } from '../../src/engines/athena/result-decoder';

const decode = (type: string, text: string) => decoderFor(type)(text, 'c');

describe('Athena result decoding by ColumnInfo type', () => {
  it('reads timestamps as UTC instants, with or without a zone, at millisecond precision', () => {
    expect(decode('timestamp', '2024-01-01 10:00:00.000')).toEqual(new Date('2024-01-01T10:00:00.000Z'));
    expect(decode('timestamp', '2024-01-01 10:00:00')).toEqual(new Date('2024-01-01T10:00:00.000Z'));
    expect(decode('timestamp(6)', '2024-01-01 10:00:00.123456')).toEqual(new Date('2024-01-01T10:00:00.123Z'));
    expect(decode('timestamp with time zone', '2024-01-01 10:00:00.000 UTC')).toEqual(new Date('2024-01-01T10:00:00.000Z'));
    expect(decode('timestamp(3) with time zone', '2024-01-01 10:00:00.500 Z')).toEqual(new Date('2024-01-01T10:00:00.500Z'));
    expect(decode('timestamp with time zone', '2024-01-01 10:00:00.000 +02:00')).toEqual(new Date('2024-01-01T08:00:00.000Z'));
    expect(decode('timestamp with time zone', '2024-01-01 00:30:00.000 -05:30')).toEqual(new Date('2024-01-01T06:00:00.000Z'));
  });

  it('refuses a timestamp it cannot place in UTC rather than guessing', () => {
    expect(() => decode('timestamp with time zone', '2024-01-01 10:00:00.000 America/New_York')).toThrow(ResultDecodeError);
    expect(() => decode('timestamp', '2024-01-01 10:00:00.000 UTC')).toThrow(ResultDecodeError);
    expect(() => decode('timestamp', 'yesterday')).toThrow(ResultDecodeError);
    expect(() => decode('date', '2024-02-30')).toThrow(ResultDecodeError);
    expect(() => decode('date', '2024/02/01')).toThrow(ResultDecodeError);
  });

  it('reads dates as UTC midnight', () => {
    expect(decode('date', '2024-02-29')).toEqual(new Date('2024-02-29T00:00:00Z'));
  });

  it('reads integers exactly and refuses those beyond 2^53', () => {
    expect(decode('bigint', '-9007199254740991')).toBe(-9007199254740991);
    expect(decode('tinyint', '7')).toBe(7);
    expect(decode('smallint', '-300')).toBe(-300);
    expect(() => decode('bigint', '9007199254740992')).toThrow(ResultDecodeError);
    expect(() => decode('integer', '1.5')).toThrow(ResultDecodeError);
  });

  it('reads floating and decimal numbers, including the non-finite spellings', () => {
    expect(decode('double', '1.0E10')).toBe(1e10);
    expect(decode('double', 'Infinity')).toBe(Infinity);
    expect(decode('double', '-Infinity')).toBe(-Infinity);
    expect(decode('real', 'NaN')).toBeNaN();
    expect(decode('decimal(10,2)', '12.50')).toBe(12.5);
    expect(() => decode('double', 'abc')).toThrow(ResultDecodeError);
    expect(() => decode('double', '')).toThrow(ResultDecodeError);
  });

  it('reads booleans strictly', () => {
    expect(decode('boolean', 'true')).toBe(true);
    expect(decode('boolean', 'false')).toBe(false);
    expect(() => decode('boolean', 'TRUE')).toThrow(ResultDecodeError);
  });

  it('keeps text, JSON and complex values as the text Athena sent', () => {
    expect(decode('varchar', '')).toBe('');
    expect(decode('varchar(20)', 'x')).toBe('x');
    expect(decode('char(3)', 'abc')).toBe('abc');
    expect(decode('json', '{"a":[1,2]}')).toBe('{"a":[1,2]}');
    expect(decode('array(varchar)', '[a, b]')).toBe('[a, b]');
    expect(decode('row(a integer, b varchar)', '{a=1, b=x}')).toBe('{a=1, b=x}');
    expect(decode('map(varchar, integer)', '{k=1}')).toBe('{k=1}');
    expect(decode('varbinary', '00 ff')).toBe('00 ff');
  });

  it('maps a datum without VarCharValue, or a missing cell, to null', () => {
    const rows = decodeRows(
      [
        { Name: 'a', Type: 'integer' },
        { Name: 'b', Type: 'varchar' },
      ],
      [{ Data: [{}, { VarCharValue: 'x' }] }, { Data: [{ VarCharValue: '1' }] }, {}],
    );
    expect(rows).toEqual([
      { a: null, b: 'x' },
      { a: 1, b: null },
      { a: null, b: null },
    ]);
  });
});
