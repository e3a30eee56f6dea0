import { MAX_FORMAT_RETRIES, MAX_QUARANTINE_RETRIES, readFailure } from '../../src/engines/duckdb/read-failure';
import { NOT_IN_CENSUS, NO_RECORDS_IN_LINES } from '../../src/sql/duckdb-compiler';

/** DuckDB's errors for raw reads (texts as DuckDB 1.5 words them), and what each says about the files. */
const DIR = '/lake/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01';
const OTHER = '/lake/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/01';
const files = [`${DIR}/a.json.gz`, `${DIR}/b.json.gz`, `${OTHER}/c.json.gz`].map((path) => ({ path, bytes: 10 }));
const never = () => false;

const PRETTY = `Invalid Input Error: Malformed JSON in file "${DIR}/b.json.gz", at byte 2 in line 2: unexpected end of data. Try auto-detecting the JSON format`;
const TRUNCATED_DETECTED = `Invalid Input Error: Malformed JSON in file "${DIR}/b.json.gz", at byte 24 in record/value 2: unexpected end of data. Parse errors cannot be ignored for JSON formats other than 'newline_delimited'`;
const NO_RECORDS = `Invalid Input Error: ${NO_RECORDS_IN_LINES} "${DIR}/a.json.gz"`;
const NOT_GZIP = `IO Error: Input is not a GZIP stream: ${DIR}/late.json.gz`;

describe('readFailure', () => {
  it('reads a multi-line file in a line-delimited read as a layout to detect, for its folder', () => {
    expect(readFailure(PRETTY, files, 0, never)).toEqual({ kind: 'layout', file: `${DIR}/b.json.gz`, files: [`${DIR}/b.json.gz`] });
    expect(readFailure(NO_RECORDS, files, 0, never)).toEqual({ kind: 'layout', file: `${DIR}/a.json.gz`, files: [`${DIR}/a.json.gz`] });
  });

  it('marks every folder of the statement after a few folders found one by one', () => {
    expect(readFailure(PRETTY, files, MAX_FORMAT_RETRIES, never)).toEqual({ kind: 'layout', file: `${DIR}/b.json.gz`, files: files.map((f) => f.path) });
  });

  it('sets aside a file its folder already reads with detection, and one detection cannot read', () => {
    expect(readFailure(PRETTY, files, 0, (f) => f.startsWith(DIR))).toEqual({ kind: 'unreadable', file: files[1] });
    expect(readFailure(TRUNCATED_DETECTED, files, 0, never)).toEqual({ kind: 'unreadable', file: files[1] });
  });

  it('sets aside a file delivered to a folder of the read since it was listed', () => {
    expect(readFailure(NOT_GZIP, files, 0, never)).toEqual({ kind: 'unreadable', file: { path: `${DIR}/late.json.gz`, bytes: 0 } });
  });

  it('reads a file the census had not counted as such, not as unreadable, until too many retries', () => {
    const uncounted = `Invalid Input Error: ${NOT_IN_CENSUS} "${DIR}/late.json.gz"`;
    expect(readFailure(uncounted, files, 0, never)).toEqual({ kind: 'uncounted', file: `${DIR}/late.json.gz` });
    expect(readFailure(uncounted, files, MAX_QUARANTINE_RETRIES, never)).toEqual({ kind: 'other' });
  });

  it('gives up on errors that name no file of the read, and after too many files set aside', () => {
    expect(readFailure('Out of Memory Error: failed to allocate', files, 0, never)).toEqual({ kind: 'other' });
    expect(readFailure(`IO Error: Input is not a GZIP stream: /elsewhere/x.json.gz`, files, 0, never)).toEqual({ kind: 'other' });
    expect(readFailure(NOT_GZIP, files, MAX_QUARANTINE_RETRIES, never)).toEqual({ kind: 'other' });
  });
});
