import { CLOUDTRAIL_COLUMNS } from '../domain/column-catalogue';
import type { UnnestFieldName, UnnestSource } from '../query/fields';
import { assertNever } from '../query/ir';
import { fieldSql } from './field-sql';
import type { SqlCompiler } from './sql-compiler';

/** A column of the expanded rows: its alias and the array whose elements become its values. */
export interface UnnestColumn {
  readonly alias: string;
  readonly array: string;
}

const RESOURCE_MEMBERS = (() => {
  const t = CLOUDTRAIL_COLUMNS.find((c) => c.name === 'resources')?.type;
  if (t?.kind !== 'array' || t.of.kind !== 'struct') throw new Error('resources is not an array of structs in the catalogue');
  return new Set(t.of.fields.map((f) => f.name));
})();

/** A member of the resources[] struct, checked against the column catalogue. */
function resourceMember(c: SqlCompiler, name: string): string {
  if (!RESOURCE_MEMBERS.has(name)) throw new Error(`resources[] has no member ${name}`);
  return c.arrayMember(c.col('resources'), name);
}

/**
 * The parallel arrays an event is expanded into (element i of each array makes row i). Both
 * dialects unnest them side by side, so the unnested fields are plain columns in either.
 */
export function unnestColumns(source: UnnestSource, c: SqlCompiler): UnnestColumn[] {
  switch (source) {
    case 'resources':
      return [
        { alias: 'tg_res_arn', array: resourceMember(c, 'arn') },
        { alias: 'tg_res_arn_prefix', array: resourceMember(c, 'arnprefix') },
        { alias: 'tg_res_account_id', array: resourceMember(c, 'accountid') },
        { alias: 'tg_res_type', array: resourceMember(c, 'type') },
      ];
    case 'credentials':
      // The key that signed the call, and the key an STS call returned (AssumeRole*, GetSessionToken, ...).
      // https://docs.aws.amazon.com/STS/latest/APIReference/API_Credentials.html
      return [
        { alias: 'tg_cred_key', array: c.arrayOf([fieldSql('accessKeyId', c), c.jsonText(c.col('responseelements'), ['credentials', 'accessKeyId'])]) },
        { alias: 'tg_cred_use', array: c.arrayOf([c.constant('used'), c.constant('issued')]) },
      ];
    default:
      return assertNever(source, 'unnest source');
  }
}

/** The SQL of an unnested field over the expanded rows. */
export function unnestedFieldSql(name: UnnestFieldName): string {
  switch (name) {
    case 'resourceArn':
      // Entries for objects not known one by one (e.g. a bucket listing) carry only an ARNPrefix.
      // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
      return `coalesce(nullif(tg_res_arn, ''), nullif(tg_res_arn_prefix, ''))`;
    case 'resourceType':
      return 'tg_res_type';
    case 'resourceAccountId':
      return 'tg_res_account_id';
    case 'credentialKey':
      return 'tg_cred_key';
    case 'credentialUse':
      return 'tg_cred_use';
    default:
      return assertNever(name, 'unnested field');
  }
}
