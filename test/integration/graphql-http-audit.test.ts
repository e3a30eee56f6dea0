import path from 'node:path';
import { auditServer, type AuditFail, type AuditResult } from 'graphql-http';
import pino from 'pino';
import { loadConfig } from '../../src/config/config';
import { openEngine } from '../../src/server/gateway';
import { startHttpServer, type HttpServer } from '../../src/server/http-server';

/**
 * GraphQL-over-HTTP conformance (issue 5, "Tests"): graphql-http's server audits against a running
 * instance with introspection on. No audit may fail but three warnings Apollo Server itself accepts
 * (its own graphql-http audit run allows them): 572B and FDE2 (a JSON body that is not a GraphQL
 * request — a bare array, an object without `query` — answered 400 rather than with
 * application/graphql-response+json's exact semantics) and 7B9B (a `query` that is not a string).
 */
const REAL = path.resolve(__dirname, '../../../shared/data/cloudtrail/flaws2-cloud');
const logger = pino({ level: 'silent' });
const APOLLO_ACCEPTED_WARNINGS = ['572B', 'FDE2', '7B9B'];
/**
 * Notices are MAY-level, neither error nor warning. These three are GETs the audit sends with
 * neither a content-type nor an apollo-require-preflight header: Apollo's CSRF prevention (kept on,
 * issue 5) refuses them with 400, by design.
 */
const CSRF_NOTICES = ['5A70', 'D6D5', '6A70'];

describe('GraphQL over HTTP conformance (graphql-http server audits)', () => {
  let server: HttpServer;
  let results: AuditResult[];

  beforeAll(async () => {
    const config = loadConfig({ lake: REAL, port: 0, host: '127.0.0.1' }, { TRAILGATE_DUCKDB_THREADS: '1' });
    server = await startHttpServer(config, await openEngine(config, REAL, logger), logger, { manifest: null });
    results = await auditServer({ url: server.url, fetchFn: fetch });
  });
  afterAll(() => server.close());

  it('runs the audits', () => {
    expect(results.length).toBeGreaterThan(30);
  });

  it('fails no audit; warns only where Apollo accepts it; notices only where CSRF prevention refuses plain GETs', () => {
    const failed = results.filter((r): r is AuditFail => r.status !== 'ok');
    const show = (status: string) =>
      failed
        .filter((r) => r.status === status)
        .map((r) => `${r.id} ${r.name}: ${r.reason}`)
        .sort();
    expect(show('error')).toEqual([]);
    const unexpectedWarnings = show('warn').filter((line) => !APOLLO_ACCEPTED_WARNINGS.includes(line.slice(0, 4)));
    expect(unexpectedWarnings).toEqual([]);
    expect(failed.filter((r) => r.status === 'warn').map((r) => r.id).sort()).toEqual([...APOLLO_ACCEPTED_WARNINGS].sort());
    expect(failed.filter((r) => r.status === 'notice').map((r) => r.id).sort()).toEqual([...CSRF_NOTICES].sort());
  });
});
