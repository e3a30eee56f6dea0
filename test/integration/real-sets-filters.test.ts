import { useHarness, type TestResult } from '../support/gateway-harness';
import { REAL_DATA_DIR, filterEvents, loadReferenceLake, spanOf, type FilterInput } from '../support/reference-lake';

/**
 * Every EventFilter field of API.md, alone on real values and in a few combinations, over the
 * whole span of the real sets: eventStats' totalEvents against the reference count.
 */
const ref = loadReferenceLake(REAL_DATA_DIR);
const range = spanOf(ref.served);

type Case = [name: string, filter: Omit<FilterInput, 'range'>, matches: boolean];

const CASES: Case[] = [
  ['accounts (grycap, old records without recipientAccountId included)', { accounts: ['974349055189'] }, true],
  ['accounts, two values', { accounts: ['123837392027', '275023965626'] }, true],
  ['regions', { regions: ['sa-east-1'] }, true],
  ['regions, a fake region of anonymised data', { regions: ['apiso-northsouth-3r'] }, true],
  ['eventSources', { eventSources: ['iam.amazonaws.com'] }, true],
  ['eventNames', { eventNames: ['AssumeRole', 'ConsoleLogin'] }, true],
  ['eventNames with an API-version suffix', { eventNames: ['ListFunctions20150331'] }, true],
  ['excludeEventNames', { excludeEventNames: ['DescribeAlarms', 'DescribeStacks'] }, true],
  ['identityTypes UNKNOWN (no type, no userIdentity)', { identityTypes: ['UNKNOWN'] }, true],
  ['identityTypes AWS_ACCOUNT', { identityTypes: ['AWS_ACCOUNT'] }, true],
  ['identityTypes ROOT', { identityTypes: ['ROOT'] }, true],
  ['identityTypes FEDERATED_USER', { identityTypes: ['FEDERATED_USER'] }, true],
  ['identityTypes IAM_USER or AWS_SERVICE', { identityTypes: ['IAM_USER', 'AWS_SERVICE'] }, true],
  ['principalArns', { principalArns: ['arn:aws:iam::974349055189:user/alucloud34'] }, true],
  ['roleArns', { roleArns: ['arn:aws:iam::974349055189:role/aws-opsworks-service-role'] }, true],
  ['userNames', { userNames: ['bert-jan'] }, true],
  ['accessKeyIds', { accessKeyIds: ['ASIAIVNA62XXQ5ZN3MVA'] }, true],
  ['sourceIps, one address', { sourceIps: ['213.37.139.133'] }, true],
  ['sourceIps, a v4 /16 around a real address', { sourceIps: ['213.37.0.0/16'] }, true],
  ['sourceIps, a v4 /14 covering three addresses', { sourceIps: ['87.220.0.0/14'] }, true],
  ['sourceIps, a private /16', { sourceIps: ['10.0.0.0/16'] }, true],
  ['sourceIps, a v6 block (no v6 here)', { sourceIps: ['2001:db8::/32'] }, false],
  ['sourceIps, an address and a block', { sourceIps: ['192.168.10.20', '10.248.0.0/16'] }, true],
  ['userAgentContains, other case than the data', { userAgentContains: 'AWS-CLI' }, true],
  ['userAgentContains, bracketed agents', { userAgentContains: '[aws-cli' }, true],
  ['errorCodes', { errorCodes: ['AccessDenied', 'ThrottlingException'] }, true],
  ['errorCodes, namespaced', { errorCodes: ['Client.UnauthorizedOperation'] }, true],
  ['hasError true (errorMessage without errorCode included)', { hasError: true }, true],
  ['hasError false', { hasError: false }, true],
  ['readOnly true', { readOnly: true }, true],
  ['readOnly false', { readOnly: false }, true],
  ['categories MANAGEMENT', { categories: ['MANAGEMENT'] }, true],
  ['categories DATA', { categories: ['DATA'] }, true],
  ['categories NETWORK_ACTIVITY', { categories: ['NETWORK_ACTIVITY'] }, true],
  ['categories INSIGHT', { categories: ['INSIGHT'] }, true],
  ['crossAccount true (ANONYMOUS_PRINCIPAL included)', { crossAccount: true }, true],
  ['crossAccount false', { crossAccount: false }, true],
  ['resourceArns, an ARN', { resourceArns: ['arn:aws:kms:us-east-1:123837392027:key/0e5d0ab6-097e-49d8-99ef-747ce3e5f8f4'] }, true],
  ['resourceArns, an ARNPrefix', { resourceArns: ['arn:aws:s3:::mordors3stack-s3bucket-llp2yingx64a/'] }, true],
  ['eventIds, unique ids', { eventIds: ['8b3e9429-989c-4e28-92b3-da8df5603f6d', 'bf575a0c-c344-4302-a468-00e6a84a127a'] }, true],
  ['eventIds, an id a curated set reuses for different events', { eventIds: ['1'] }, true],
  ['requestParameters equals', { requestParameters: [{ path: 'roleSessionName', equals: 'resource-explorer-2' }] }, true],
  ['requestParameters equals a boolean as text', { requestParameters: [{ path: 'withDecryption', equals: 'true' }] }, true],
  ['requestParameters contains, nested value', { requestParameters: [{ path: 'filterSet', contains: 'amzn2-ami-hvm' }] }, true],
  ['requestParameters contains, quoted JSON text', { requestParameters: [{ path: 'bucketName', contains: '"stratus-red-team-' }] }, true],
  ['requestParameters exists true', { requestParameters: [{ path: 'instanceId', exists: true }] }, true],
  ['requestParameters exists false', { requestParameters: [{ path: 'instanceId', exists: false }] }, true],
  ['requestParameters, a nested path', { requestParameters: [{ path: 'instancesSet.items', exists: true }] }, true],
  ['responseElements ConsoleLogin Failure', { responseElements: [{ path: 'ConsoleLogin', equals: 'Failure' }] }, true],
  ['responseElements, a nested path', { responseElements: [{ path: 'credentials.accessKeyId', equals: 'ASIA36EV31F1RB3OA8IG' }] }, true],
  ['additionalEventData MFAUsed No', { additionalEventData: [{ path: 'MFAUsed', equals: 'No' }] }, true],
  ['additionalEventData MFAUsed exists', { additionalEventData: [{ path: 'MFAUsed', exists: true }] }, true],
  [
    'combination: IAM errors by users or roles',
    { eventSources: ['iam.amazonaws.com'], hasError: true, identityTypes: ['ASSUMED_ROLE', 'IAM_USER'] },
    true,
  ],
  [
    'combination: grycap console actions in sa-east-1 but sign-ins',
    { accounts: ['974349055189'], regions: ['sa-east-1'], userAgentContains: 'SIGNIN.amazonaws', excludeEventNames: ['ConsoleLogin'] },
    true,
  ],
  [
    'combination: failed console sign-ins without MFA, by address block, management category',
    {
      eventNames: ['ConsoleLogin'],
      responseElements: [{ path: 'ConsoleLogin', equals: 'Failure' }],
      additionalEventData: [{ path: 'MFAUsed', equals: 'No' }],
      categories: ['MANAGEMENT'],
      sourceIps: ['0.0.0.0/0'],
    },
    true,
  ],
];

const { exec } = useHarness(REAL_DATA_DIR, { TRAILGATE_CACHE: 'off' });

const TOTAL = 'query($f: EventFilter!) { eventStats(filter: $f, groupBy: []) { totalEvents rows { count } } }';

describe('EventFilter fields over every real set', () => {
  // Each case is its own request (an error in one cannot hide the others); they run concurrently.
  // Twice: before the lake census has counted the files (every row de-duplicated), and after it
  // (the census's copies skipped by position): both must answer as the reduction.
  const results = new Map<string, TestResult>();
  const counted = new Map<string, TestResult>();
  beforeAll(async () => {
    await Promise.all(CASES.map(async ([name, extra]) => results.set(name, await exec(TOTAL, { f: { range, ...extra } }))));
    expect((await exec('{ lake { files } }')).errors).toBeUndefined();
    await Promise.all(CASES.map(async ([name, extra]) => counted.set(name, await exec(TOTAL, { f: { range, ...extra } }))));
  });

  it.each(CASES)('%s', (name, extra, matches) => {
    const want = filterEvents(ref, { range, ...extra }).length;
    if (matches) {
      expect(want).toBeGreaterThan(0);
      expect(want).toBeLessThan(ref.served.length);
    } else expect(want).toBe(0);
    for (const r of [results.get(name)!, counted.get(name)!]) {
      expect(r.errors).toBeUndefined();
      expect(r.data!.eventStats.totalEvents).toBe(want);
    }
  });
});

describe('filters that match nothing', () => {
  const none: FilterInput = { range, eventNames: ['NoSuchEventNameAnywhere'] };

  it('eventStats with groupBy [] answers totalEvents 0 and no rows', async () => {
    expect(filterEvents(ref, none)).toHaveLength(0);
    const r = await exec(TOTAL, { f: none });
    expect(r.errors).toBeUndefined();
    expect(r.data!.eventStats).toEqual({ totalEvents: 0, rows: [] });
  });

  it('eventStats with a groupBy key answers totalEvents 0 and no rows', async () => {
    const r = await exec('query($f: EventFilter!) { eventStats(filter: $f, groupBy: [{ dimension: EVENT_NAME }]) { totalEvents rows { count } } }', { f: none });
    expect(r.errors).toBeUndefined();
    expect(r.data!.eventStats).toEqual({ totalEvents: 0, rows: [] });
  });

  it('a v6 block selects no event here (events)', async () => {
    const f: FilterInput = { range, sourceIps: ['2001:db8::/32', '::1'] };
    expect(filterEvents(ref, f)).toHaveLength(0);
    const r = await exec('query($f: EventFilter!) { events(filter: $f, first: 10) { nodes { eventId } pageInfo { hasNextPage } } }', { f });
    expect(r.errors).toBeUndefined();
    expect(r.data!.events).toEqual({ nodes: [], pageInfo: { hasNextPage: false } });
  });
});
