import type { Column as GlueColumn } from '@aws-sdk/client-glue';
import { CLOUDTRAIL_COLUMNS, type ColumnType } from '../../domain/column-catalogue';
import { assertNever } from '../../query/ir';
import { catalogueHiveType } from './glue-table-types';
import { hiveTypeAt, parseHiveType, renderHiveType, type HiveType } from './hive-types';

/**
 * What a Glue table must have for trailgate's SQL to run on it. Trino resolves every column and
 * struct member a statement names when it plans the query, so a table that lacks one fails every
 * query; checking at startup turns that into one clear error.
 *
 * Optional: top-level catalogue columns no statement names (they only ride along in `SELECT src.*`).
 * A test compiles every field, filter and grouping and checks these lists against the SQL.
 */
export const OPTIONAL_COLUMNS: readonly string[] = Object.freeze(['vpcendpointaccountid', 'addendum', 'edgedevicedetails']);

/** Every other catalogue column, in catalogue order. */
export const REQUIRED_COLUMNS: readonly string[] = Object.freeze(
  CLOUDTRAIL_COLUMNS.map((c) => c.name).filter((n) => !OPTIONAL_COLUMNS.includes(n)),
);

/** Struct members statements name (`[]` steps into an array element). Other members are optional. */
export const REQUIRED_MEMBERS: readonly string[] = Object.freeze([
  'useridentity.type',
  'useridentity.principalid',
  'useridentity.arn',
  'useridentity.accountid',
  'useridentity.invokedby',
  'useridentity.accesskeyid',
  'useridentity.username',
  'useridentity.sourceidentity',
  'useridentity.sessioncontext.attributes.mfaauthenticated',
  'useridentity.sessioncontext.attributes.creationdate',
  'useridentity.sessioncontext.sessionissuer.arn',
  'useridentity.sessioncontext.sourceidentity',
  'tlsdetails.tlsversion',
  'tlsdetails.ciphersuite',
  'tlsdetails.clientprovidedhostheader',
  'resources[].arn',
  'resources[].arnprefix',
]);

const splitMember = (path: string): string[] => path.replace(/\[\]/g, '.[]').split('.');

const isText = (t: HiveType | null): boolean => t !== null && t.kind === 'primitive' && /^(string|varchar(\(\d+\))?|char\(\d+\))$/.test(t.name);

function sameShape(expected: ColumnType, actual: HiveType): boolean {
  switch (expected.kind) {
    case 'string':
    case 'json':
      return isText(actual);
    case 'struct':
      return actual.kind === 'struct';
    case 'array':
      return actual.kind === 'array' && sameShape(expected.of, actual.of);
    default:
      return assertNever(expected, 'column type');
  }
}

/** Problems with a table's data columns, each naming the column or member and the type it needs. */
export function columnProblems(columns: readonly GlueColumn[]): string[] {
  const problems: string[] = [];
  const types = new Map<string, HiveType | null>();
  for (const c of columns) {
    const name = (c.Name ?? '').toLowerCase();
    try {
      types.set(name, parseHiveType(c.Type ?? ''));
    } catch {
      types.set(name, null);
      if (CLOUDTRAIL_COLUMNS.some((k) => k.name === name)) problems.push(`column ${name} has a type trailgate cannot read: ${JSON.stringify(c.Type)}`);
    }
  }
  for (const col of CLOUDTRAIL_COLUMNS) {
    const want = renderHiveType(catalogueHiveType(col.type));
    const have = types.get(col.name);
    if (have === undefined) {
      if (REQUIRED_COLUMNS.includes(col.name)) problems.push(`missing column ${col.name} (${want})`);
    } else if (have !== null && !sameShape(col.type, have)) {
      problems.push(`column ${col.name} is ${renderHiveType(have)}, expected ${want}`);
    }
  }
  for (const member of REQUIRED_MEMBERS) {
    const [head, ...rest] = splitMember(member);
    const have = types.get(head);
    if (!have) continue; // the column itself is already reported
    if (!isText(hiveTypeAt(have, rest))) problems.push(`column ${head} has no string member ${member}`);
  }
  return problems;
}
