import { catalogueColumn } from '../domain/column-catalogue';
import { RAW_IDENTITY_TYPE, type IdentityTypeName } from '../domain/identity-type';
import type { FieldName } from '../query/fields';
import { assertNever } from '../query/ir';
import type { SqlCompiler } from './sql-compiler';

/** A catalogue column path as SQL: identifiers come only from the catalogue. */
function col(path: string): string {
  catalogueColumn(path);
  return path;
}

const boolText = (c: SqlCompiler, text: string) =>
  `(CASE lower(CAST(${text} AS VARCHAR)) WHEN ${c.constant('true')} THEN TRUE WHEN ${c.constant('false')} THEN FALSE END)`;

/** The SQL of a logical field over the `dd` relation (catalogue columns + tg_* helpers). */
export function fieldSql(name: FieldName, c: SqlCompiler): string {
  switch (name) {
    case 'eventTime':
      return 'tg_time';
    case 'account':
      return 'tg_account';
    case 'rowHash':
      return 'tg_hash';
    case 'eventId':
      return `coalesce(nullif(${col('eventid')}, ''), ${c.constant('tg-')} || tg_hash)`;
    case 'eventVersion':
      return col('eventversion');
    case 'eventSource':
      return `coalesce(${col('eventsource')}, ${c.jsonText(col('insightdetails'), ['eventSource'])})`;
    case 'eventName':
      return `coalesce(${col('eventname')}, ${c.jsonText(col('insightdetails'), ['eventName'])})`;
    case 'eventType':
      return col('eventtype');
    case 'eventCategory':
      // eventCategory appears with eventVersion 1.08; older records are management events unless
      // flagged otherwise (managementEvent false marks data events).
      return (
        `coalesce(${col('eventcategory')}, CASE WHEN ${col('eventtype')} = ${c.constant('AwsCloudTrailInsight')} THEN ${c.constant('Insight')}` +
        ` WHEN ${col('managementevent')} = ${c.constant('false')} THEN ${c.constant('Data')} ELSE ${c.constant('Management')} END)`
      );
    case 'awsRegion':
      return col('awsregion');
    case 'recipientAccountId':
      return col('recipientaccountid');
    case 'sourceIp':
      return col('sourceipaddress');
    case 'userAgent':
      return col('useragent');
    case 'errorCode':
      return `nullif(${col('errorcode')}, '')`;
    case 'errorMessage':
      return col('errormessage');
    case 'isError':
      return `(nullif(${col('errorcode')}, '') IS NOT NULL OR nullif(${col('errormessage')}, '') IS NOT NULL)`;
    case 'readOnly':
      return boolText(c, col('readonly'));
    case 'managementEvent':
      return boolText(c, col('managementevent'));
    case 'requestId':
      return col('requestid');
    case 'sharedEventId':
      return col('sharedeventid');
    case 'vpcEndpointId':
      return col('vpcendpointid');
    case 'apiVersion':
      return col('apiversion');
    case 'sessionCredentialFromConsole':
      return boolText(c, col('sessioncredentialfromconsole'));
    case 'requestParameters':
      return col('requestparameters');
    case 'responseElements':
      return col('responseelements');
    case 'additionalEventData':
      return col('additionaleventdata');
    case 'serviceEventDetails':
      return col('serviceeventdetails');
    case 'insightDetails':
      return col('insightdetails');
    case 'tlsVersion':
      return col('tlsdetails.tlsversion');
    case 'tlsCipherSuite':
      return col('tlsdetails.ciphersuite');
    case 'tlsHost':
      return col('tlsdetails.clientprovidedhostheader');
    case 'resourcesJson':
      return c.toJsonText(col('resources'));
    case 'identityTypeRaw':
      return col('useridentity.type');
    case 'identityType': {
      const whens = (Object.entries(RAW_IDENTITY_TYPE) as Array<[IdentityTypeName, string]>)
        .map(([k, v]) => `WHEN ${c.constant(v)} THEN ${c.constant(k)}`)
        .join(' ');
      return `(CASE ${col('useridentity.type')} ${whens} ELSE ${c.constant('UNKNOWN')} END)`;
    }
    case 'principalId':
      return col('useridentity.principalid');
    case 'principalArn':
      return col('useridentity.arn');
    case 'identityKey':
      // The acting principal. AWS services carry only invokedBy; AWSAccount callers only an
      // account id; some records carry nothing at all.
      return (
        `coalesce(nullif(${col('useridentity.arn')}, ''), nullif(${col('useridentity.invokedby')}, ''), ` +
        `${c.constant('account:')} || nullif(${col('useridentity.accountid')}, ''), nullif(${col('useridentity.principalid')}, ''), ${c.constant('unknown')})`
      );
    case 'identityAccountId':
      return col('useridentity.accountid');
    case 'accessKeyId':
      return `nullif(${col('useridentity.accesskeyid')}, '')`;
    case 'userName':
      return col('useridentity.username');
    case 'invokedBy':
      return col('useridentity.invokedby');
    case 'roleArn':
      return col('useridentity.sessioncontext.sessionissuer.arn');
    case 'sessionName':
      return `(CASE WHEN strpos(${col('useridentity.arn')}, ${c.constant(':assumed-role/')}) > 0 THEN nullif(split_part(${col('useridentity.arn')}, '/', 3), '') END)`;
    case 'mfaAuthenticated':
      return boolText(c, col('useridentity.sessioncontext.attributes.mfaauthenticated'));
    case 'sessionCreatedAt':
      return c.parseTime(col('useridentity.sessioncontext.attributes.creationdate'));
    case 'sourceIdentity':
      return `coalesce(${col('useridentity.sourceidentity')}, ${col('useridentity.sessioncontext.sourceidentity')})`;
    case 'crossAccount':
      return `(${col('useridentity.accountid')} IS NOT NULL AND ${col('useridentity.accountid')} <> tg_account)`;
    default:
      return assertNever(name, 'field');
  }
}
