import { GetQueryExecutionCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { AthenaEngine } from '../../src/engines/athena/athena-engine';
import { createAthenaClient } from '../../src/engines/athena/athena-client';
import { TrailgateError } from '../../src/domain/trailgate-error';
import { FAKE_CREDENTIALS, fakeClock, ORG_BINDING, silentLogger, statsOver } from '../support/athena-fakes';
import { awsError, bare, ok, type Reply, ScriptedHandler, startFakeAthenaServer } from '../support/athena-http';
import { trinoErrors } from '../support/trino-parser';

const START = new StartQueryExecutionCommand({ QueryString: 'SELECT 1', WorkGroup: 'trailgate' });
const STARTED = ok({ QueryExecutionId: 'q-http-1' });
const THROTTLED = awsError(400, 'ThrottlingException', 'Rate exceeded');

const clientWith = (handler: ScriptedHandler, maxAttempts: number) =>
  createAthenaClient({ region: 'us-east-1', maxAttempts, requestHandler: handler, credentials: FAKE_CREDENTIALS });

async function rejection(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number; attempts?: number } }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('Athena SDK retries, at the HTTP handler', () => {
  it('retries a 500 and succeeds within maxAttempts', async () => {
    const handler = ScriptedHandler.sequence(awsError(500, 'InternalServerException', 'boom'), awsError(500, 'InternalServerException', 'boom'), STARTED);
    const out = await clientWith(handler, 3).send(START);
    expect(out.QueryExecutionId).toBe('q-http-1');
    expect(handler.requests).toHaveLength(3);
    // the real pipeline ran: JSON 1.1 target header and a SigV4 signature on every attempt
    expect(handler.calls('StartQueryExecution')).toBe(3);
    expect(handler.requests.every((r) => /^AWS4-HMAC-SHA256 /.test(String(r.headers.authorization)))).toBe(true);
  });

  it('sends the same idempotency token on every retry of one call', async () => {
    const handler = ScriptedHandler.sequence(bare(503), STARTED);
    await clientWith(handler, 3).send(START);
    const text = (body: unknown) => (typeof body === 'string' ? body : Buffer.from(body as Uint8Array).toString('utf8'));
    const tokens = handler.requests.map((r) => (JSON.parse(text(r.body)) as { ClientRequestToken: string }).ClientRequestToken);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toBeTruthy();
    expect(tokens[1]).toBe(tokens[0]);
  });

  it('gives up on a persistent 503 after exactly maxAttempts', async () => {
    const handler = ScriptedHandler.sequence(bare(503, 'Service Unavailable'));
    const err = await rejection(clientWith(handler, 3).send(START));
    expect(handler.requests).toHaveLength(3);
    expect(err.$metadata?.httpStatusCode).toBe(503);
    expect(err.$metadata?.attempts).toBe(3);
  });

  it('retries a ThrottlingException body and succeeds', async () => {
    const handler = ScriptedHandler.sequence(THROTTLED, THROTTLED, STARTED);
    const out = await clientWith(handler, 3).send(START);
    expect(out.QueryExecutionId).toBe('q-http-1');
    expect(handler.requests).toHaveLength(3);
  });

  it('gives up on persistent throttling after exactly maxAttempts', async () => {
    const handler = ScriptedHandler.sequence(THROTTLED);
    const err = await rejection(clientWith(handler, 2).send(START));
    expect(err.name).toBe('ThrottlingException');
    expect(handler.requests).toHaveLength(2);
  });

  it('does not retry when maxAttempts is 1, nor a client error at any setting', async () => {
    const once = ScriptedHandler.sequence(bare(503));
    await rejection(clientWith(once, 1).send(START));
    expect(once.requests).toHaveLength(1);

    const invalid = ScriptedHandler.sequence(awsError(400, 'InvalidRequestException', 'bad workgroup', { AthenaErrorCode: 'INVALID_INPUT' }));
    const err = await rejection(clientWith(invalid, 3).send(START));
    expect(err.name).toBe('InvalidRequestException');
    expect(invalid.requests).toHaveLength(1);
  });

  it('stacks the gateway retries on the SDK retries for TooManyRequestsException, then answers ENGINE_UNAVAILABLE', async () => {
    const handler = ScriptedHandler.sequence(awsError(400, 'TooManyRequestsException', 'Rate exceeded', { Reason: 'CONCURRENT_QUERY_LIMIT_EXCEEDED' }));
    const engine = new AthenaEngine({
      client: clientWith(handler, 2),
      workgroup: 'trailgate',
      database: 'cloudtrail',
      binding: () => ORG_BINDING,
      location: 'cloudtrail.trail',
      logger: silentLogger(),
      throttleRetries: 1,
      ...fakeClock('2024-03-10T12:00:00Z'),
    });
    const err = await rejection(engine.run(statsOver('2024-03-01T00:00:00Z', '2024-03-02T00:00:00Z'), { requestId: 'r' }));
    expect(err).toBeInstanceOf(TrailgateError);
    expect((err as TrailgateError).code).toBe('ENGINE_UNAVAILABLE');
    // (1 + 1 gateway retry) × 2 SDK attempts
    expect(handler.calls('StartQueryExecution')).toBe(4);
    await engine.close();
  });
});

describe('Athena endpoint override, against a local fake server', () => {
  const COLUMNS = [
    { Name: 'k0', Type: 'varchar' },
    { Name: 'event_count', Type: 'bigint' },
    { Name: 'first_seen', Type: 'timestamp with time zone' },
  ];
  const answer = () => {
    let polls = 0;
    return (operation: string): Reply => {
      switch (operation) {
        case 'StartQueryExecution':
          return ok({ QueryExecutionId: 'local-1' });
        case 'GetQueryExecution':
          polls++;
          return ok({
            QueryExecution: {
              QueryExecutionId: 'local-1',
              Status: { State: polls < 2 ? 'RUNNING' : 'SUCCEEDED' },
              Statistics: { EngineExecutionTimeInMillis: 321, DataScannedInBytes: 4096, QueryQueueTimeInMillis: 12 },
            },
          });
        case 'GetQueryResults':
          return ok({
            ResultSet: {
              ResultSetMetadata: { ColumnInfo: COLUMNS },
              Rows: [
                { Data: COLUMNS.map((c) => ({ VarCharValue: c.Name })) },
                { Data: [{ VarCharValue: 'ConsoleLogin' }, { VarCharValue: '42' }, { VarCharValue: '2024-03-01 08:15:00.000 UTC' }] },
              ],
            },
          });
        default:
          return awsError(400, 'InvalidRequestException', `unexpected ${operation}`);
      }
    };
  };

  it('runs a query end to end through the explicit endpoint option', async () => {
    const server = await startFakeAthenaServer(answer());
    try {
      const engine = new AthenaEngine({
        client: createAthenaClient({ region: 'us-east-1', endpoint: server.url, credentials: FAKE_CREDENTIALS, maxAttempts: 2 }),
        workgroup: 'trailgate',
        database: 'cloudtrail',
        binding: () => ORG_BINDING,
        location: 'cloudtrail.trail',
        logger: silentLogger(),
        queryTimeoutMs: 10_000,
      });
      const result = await engine.run(statsOver('2024-03-01T00:00:00Z', '2024-03-02T00:00:00Z', ['111122223333']), { requestId: 'local' });
      await engine.close();

      expect(result.rows).toEqual([{ k0: 'ConsoleLogin', event_count: 42, first_seen: new Date('2024-03-01T08:15:00Z') }]);
      expect(result.facts).toEqual({ id: 'local-1', engineMs: 321, bytesScanned: 4096, filesRead: null, cache: 'miss', queueMs: 12 });
      expect(server.seen.map((s) => s.operation)).toEqual(['StartQueryExecution', 'GetQueryExecution', 'GetQueryExecution', 'GetQueryResults']);
      const start = server.seen[0].body as { QueryString: string; WorkGroup: string; QueryExecutionContext: unknown };
      expect(start.WorkGroup).toBe('trailgate');
      expect(start.QueryExecutionContext).toEqual({ Catalog: 'AwsDataCatalog', Database: 'cloudtrail' });
      expect(trinoErrors(start.QueryString)).toEqual([]);
      expect(server.seen[3].body).toEqual({ QueryExecutionId: 'local-1', MaxResults: 1000 });
    } finally {
      await server.close();
    }
  });

  it('follows AWS_ENDPOINT_URL_ATHENA from the environment without the gateway reading it', async () => {
    const server = await startFakeAthenaServer(answer());
    const saved = process.env.AWS_ENDPOINT_URL_ATHENA;
    process.env.AWS_ENDPOINT_URL_ATHENA = server.url;
    try {
      const client = createAthenaClient({ region: 'us-east-1', credentials: FAKE_CREDENTIALS });
      const out = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: 'local-1' }));
      client.destroy();
      expect(out.QueryExecution?.Status?.State).toBe('RUNNING');
      expect(server.seen.map((s) => s.operation)).toEqual(['GetQueryExecution']);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_ATHENA;
      else process.env.AWS_ENDPOINT_URL_ATHENA = saved;
      await server.close();
    }
  });
});
