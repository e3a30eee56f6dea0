import { RAW_IDENTITY_TYPE, type IdentityTypeName } from '../domain/identity-type';
import type { FieldName } from '../query/fields';
import { assertNever } from '../query/ir';
import type { SqlCompiler } from './sql-compiler';

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
      return `coalesce(nullif(${c.col('eventid')}, ''), ${c.constant('tg-')} || tg_hash)`;
    case 'eventVersion':
      return c.col('eventversion');
    case 'eventSource':
      return `coalesce(${c.col('eventsource')}, ${c.jsonText(c.col('insightdetails'), ['eventSource'])})`;
    case 'eventName':
      return `coalesce(${c.col('eventname')}, ${c.jsonText(c.col('insightdetails'), ['eventName'])})`;
    case 'eventType':
      return c.col('eventtype');
    case 'eventCategory':
      // eventCategory appears with eventVersion 1.08; older records are management events unless
      // flagged otherwise (managementEvent false marks data events).
      return (
        `coalesce(${c.col('eventcategory')}, CASE WHEN ${c.col('eventtype')} = ${c.constant('AwsCloudTrailInsight')} THEN ${c.constant('Insight')}` +
        ` WHEN ${c.col('managementevent')} = ${c.constant('false')} THEN ${c.constant('Data')} ELSE ${c.constant('Management')} END)`
      );
    case 'awsRegion':
      return c.col('awsregion');
    case 'recipientAccountId':
      return c.col('recipientaccountid');
    case 'sourceIp':
      return c.col('sourceipaddress');
    case 'userAgent':
      return c.col('useragent');
    case 'errorCode':
      return `nullif(${c.col('errorcode')}, '')`;
    case 'errorMessage':
      return c.col('errormessage');
    case 'isError':
      return `(nullif(${c.col('errorcode')}, '') IS NOT NULL OR nullif(${c.col('errormessage')}, '') IS NOT NULL)`;
    case 'readOnly':
      return boolText(c, c.col('readonly'));
    case 'managementEvent':
      return boolText(c, c.col('managementevent'));
    case 'requestId':
      return c.col('requestid');
    case 'sharedEventId':
      return c.col('sharedeventid');
    case 'vpcEndpointId':
      return c.col('vpcendpointid');
    case 'apiVersion':
      return c.col('apiversion');
    case 'sessionCredentialFromConsole':
      return boolText(c, c.col('sessioncredentialfromconsole'));
    case 'requestParameters':
      return c.col('requestparameters');
    case 'responseElements':
      return c.col('responseelements');
    case 'additionalEventData':
      return c.col('additionaleventdata');
    case 'serviceEventDetails':
      return c.col('serviceeventdetails');
    case 'insightDetails':
      return c.col('insightdetails');
    case 'tlsVersion':
      return c.col('tlsdetails.tlsversion');
    case 'tlsCipherSuite':
      return c.col('tlsdetails.ciphersuite');
    case 'tlsHost':
      return c.col('tlsdetails.clientprovidedhostheader');
    case 'resourcesJson':
      return c.toJsonText(c.col('resources'));
    case 'identityTypeRaw':
      return c.col('useridentity.type');
    case 'identityType': {
      const whens = (Object.entries(RAW_IDENTITY_TYPE) as Array<[IdentityTypeName, string]>)
        .map(([k, v]) => `WHEN ${c.constant(v)} THEN ${c.constant(k)}`)
        .join(' ');
      return `(CASE ${c.col('useridentity.type')} ${whens} ELSE ${c.constant('UNKNOWN')} END)`;
    }
    case 'principalId':
      return c.col('useridentity.principalid');
    case 'principalArn':
      return c.col('useridentity.arn');
    case 'identityKey':
      // The acting principal. AWS services carry only invokedBy; AWSAccount callers only an
      // account id; some records carry nothing at all.
      return (
        `coalesce(nullif(${c.col('useridentity.arn')}, ''), nullif(${c.col('useridentity.invokedby')}, ''), ` +
        `${c.constant('account:')} || nullif(${c.col('useridentity.accountid')}, ''), nullif(${c.col('useridentity.principalid')}, ''), ${c.constant('unknown')})`
      );
    case 'identityAccountId':
      return c.col('useridentity.accountid');
    case 'accessKeyId':
      return `nullif(${c.col('useridentity.accesskeyid')}, '')`;
    case 'userName':
      return c.col('useridentity.username');
    case 'invokedBy':
      return c.col('useridentity.invokedby');
    case 'roleArn':
      return c.col('useridentity.sessioncontext.sessionissuer.arn');
    case 'sessionName':
      return `(CASE WHEN strpos(${c.col('useridentity.arn')}, ${c.constant(':assumed-role/')}) > 0 THEN nullif(split_part(${c.col('useridentity.arn')}, '/', 3), '') END)`;
    case 'mfaAuthenticated':
      return boolText(c, c.col('useridentity.sessioncontext.attributes.mfaauthenticated'));
    case 'sessionCreatedAt':
      return c.parseTime(c.col('useridentity.sessioncontext.attributes.creationdate'));
    case 'sourceIdentity':
      return `coalesce(${c.col('useridentity.sourceidentity')}, ${c.col('useridentity.sessioncontext.sourceidentity')})`;
    case 'instanceSession':
      // EC2 instance ids: i- and 8 or 17 hex digits.
      // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html
      return `coalesce(${c.regexFull(fieldSql('sessionName', c), '^i-([0-9a-f]{8}|[0-9a-f]{17})$')}, FALSE)`;
    case 'sourceIpIsAddress':
      return `(${c.ipHex(c.col('sourceipaddress'), 'ipv4')} IS NOT NULL OR ${c.ipHex(c.col('sourceipaddress'), 'ipv6')} IS NOT NULL)`;
    case 'crossAccount':
      return `(${c.col('useridentity.accountid')} IS NOT NULL AND ${c.col('useridentity.accountid')} <> tg_account)`;
    default:
      return assertNever(name, 'field');
  }
}
