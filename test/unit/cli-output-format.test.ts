import { defaultOutputFormat, renderResult } from '../../src/cli/output-format';
import { findLists, toRows } from '../../src/cli/result-rows';

const stats = {
  data: {
    eventStats: {
      totalEvents: 10,
      rows: [
        { keys: ['alice', 'true'], count: 7, firstSeen: '2026-10-30T01:00:00.000Z' },
        { keys: ['bob', null], count: 3, firstSeen: '2026-10-30T02:00:00.000Z' },
      ],
    },
  },
  extensions: { trailgate: { requestId: 'r-1', queries: [] } },
};

describe('CLI output formats', () => {
  it('defaults to a table on a terminal and to JSON when piped', () => {
    expect(defaultOutputFormat(true)).toBe('table');
    expect(defaultOutputFormat(false)).toBe('json');
  });

  it('prints JSON as the whole result, extensions included', () => {
    const { text } = renderResult(stats, 'json');
    expect(JSON.parse(text)).toEqual(stats);
  });

  it('spreads a list of one length in every row (stats keys) into one column per position', () => {
    expect(toRows(stats.data.eventStats.rows)).toEqual({
      columns: ['keys.1', 'keys.2', 'count', 'firstSeen'],
      rows: [
        ['alice', 'true', 7, '2026-10-30T01:00:00.000Z'],
        ['bob', null, 3, '2026-10-30T02:00:00.000Z'],
      ],
    });
  });

  it('writes CSV of the first list with a header, quoting what needs it and leaving nulls empty', () => {
    const data = { events: { nodes: [{ eventName: 'Put,Object', userIdentity: { arn: 'arn:"x"' }, errorCode: null }] } };
    expect(renderResult({ data }, 'csv').text).toBe('eventName,userIdentity.arn,errorCode\n"Put,Object","arn:""x""",\n');
  });

  it('flattens connection edges without the node prefix, and keeps ragged lists as one cell', () => {
    const data = {
      events: {
        edges: [
          { cursor: 'c1', node: { eventName: 'A', resources: [{ arn: 'r1', type: 'T' }] } },
          { cursor: 'c2', node: { eventName: 'B', resources: [] } },
        ],
      },
    };
    const rows = toRows(findLists(data)[0].items);
    expect(rows.columns).toEqual(['cursor', 'eventName', 'resources']);
    expect(renderResult({ data }, 'csv').text).toBe('cursor,eventName,resources\nc1,A,"[{""arn"":""r1"",""type"":""T""}]"\nc2,B,[]\n');
  });

  it('prints ndjson as the items of the first list, one JSON object per line, unflattened', () => {
    const { text } = renderResult(stats, 'ndjson');
    expect(text.split('\n').filter(Boolean).map((l) => JSON.parse(l))).toEqual(stats.data.eventStats.rows);
  });

  it('draws a table with the scalars around the list first, counted values as "value (count)"', () => {
    const data = {
      identities: {
        pageInfo: { hasNextPage: false },
        nodes: [{ arn: 'arn:aws:iam::111122223333:user/alice', sourceIps: [{ value: '1.2.3.4', count: 5 }, { value: '5.6.7.8', count: 1 }] }],
      },
    };
    const { text } = renderResult({ data }, 'table');
    const lines = text.split('\n');
    expect(lines[0]).toBe('identities.pageInfo.hasNextPage: false');
    expect(text).toMatch(/│ arn +│ sourceIps +│/);
    expect(text).toContain('│ arn:aws:iam::111122223333:user/alice │ 1.2.3.4 (5), 5.6.7.8 (1) │');
  });

  it('says which lists a one-table format left out, and the table shows each under its path', () => {
    const data = { principals: { rows: [{ count: 1 }] }, calls: { rows: [{ count: 2 }, { count: 3 }] } };
    expect(renderResult({ data }, 'csv')).toEqual({ text: 'count\n1\n', notes: ['csv holds principals.rows; left out: calls.rows (--format json has everything)'] });
    const table = renderResult({ data }, 'table').text;
    expect(table).toContain('principals.rows (1)\n');
    expect(table).toContain('calls.rows (2)\n');
  });

  it('prints an answer without lists as field/value rows (table) or one CSV row', () => {
    const data = { lake: { engine: 'duckdb', firstDay: '2026-10-18', files: 42 } };
    expect(renderResult({ data }, 'csv').text).toBe('lake.engine,lake.firstDay,lake.files\nduckdb,2026-10-18,42\n');
    const table = renderResult({ data }, 'table').text;
    expect(table).toMatch(/│ lake\.files +│ 42 +│/);
  });

  it('cuts long table cells but never CSV ones', () => {
    const ua = 'x'.repeat(200);
    const data = { events: { nodes: [{ userAgent: ua }] } };
    expect(renderResult({ data }, 'table').text).toContain(`${'x'.repeat(79)}…`);
    expect(renderResult({ data }, 'csv').text).toBe(`userAgent\n${ua}\n`);
  });

  it('prints nothing but an empty-list marker for no rows, and nothing at all without data', () => {
    expect(renderResult({ data: { events: { nodes: [] } } }, 'table').text).toBe('(no rows)\n');
    expect(renderResult({ data: { events: { nodes: [] } } }, 'csv').text).toBe('');
    expect(renderResult({ data: null, errors: [{ message: 'no' }] }, 'table').text).toBe('');
  });
});
