import { DuckDbCompiler } from '../../src/sql/duckdb-compiler';

/** How a statement (the census's, the simplest) hands raw files to read_json: formats, folder patterns, and what explain is told. */
const DIR_A = '/lake/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01';
const DIR_B = '/lake/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/01';
const A = [`${DIR_A}/a1.json.gz`, `${DIR_A}/a2.json.gz`, `${DIR_A}/a3.json`];
const B = [`${DIR_B}/b1.json.gz`, `${DIR_B}/b2.json.gz`];
function compile(binding: Partial<ConstructorParameters<typeof DuckDbCompiler>[0]>) {
  return new DuckDbCompiler({ files: [...A, ...B], maxObjectBytes: 1 << 20, ...binding }).compileCensus('tg_census_1');
}

describe('raw file lists of DuckDB statements', () => {
  it('reads every file as newline-delimited JSON, path by path, by default', () => {
    const c = compile({});
    expect(c.params[0]).toEqual({ type: 'VARCHAR[]', value: [...A, ...B], files: '5 log files' });
    expect(c.sql).toContain("format = 'newline_delimited', records = true");
    expect(c.sql).not.toContain("format = 'auto'");
  });

  it('reads files of folders marked unstructured with format detection, in a second read', () => {
    const c = compile({ unstructuredFiles: new Set(B) });
    expect(c.params.slice(0, 2)).toEqual([
      { type: 'VARCHAR[]', value: A, files: '3 log files' },
      { type: 'VARCHAR[]', value: B, files: '2 log files read with format detection' },
    ]);
    expect(c.sql).toMatch(/format = 'newline_delimited'.*UNION ALL SELECT Records, filename FROM read_json\(\$2, [^)]*format = 'auto'/s);
  });

  it('hands a whole folder over as its patterns, one per kind of file it holds, and others path by path', () => {
    const c = compile({ wholeFolders: new Set([DIR_A]) });
    expect(c.params[0]).toEqual({ type: 'VARCHAR[]', value: [...B, `${DIR_A}/*.json.gz`, `${DIR_A}/*.json`], files: '5 log files' });
  });
});
