import pino from 'pino';
import { loadConfig } from '../../../src/config/config';
import { ANONYMOUS_PRINCIPAL } from '../../../src/domain/principal';
import { openEngine } from '../../../src/server/gateway';
import { startHttpServer, type HttpServer } from '../../../src/server/http-server';
import type { RequestAuthenticator } from '../../../src/server/request-authentication';
import { ensureUiBuilt } from '../../../scripts/build-ui';

/** The one credential the UI test gateway accepts, as a bearer token. */
export const UI_TEST_TOKEN = 'tg_uitest_browser';

/** Bearer UI_TEST_TOKEN is the full principal; anything else is 401 (authentication on, as deployed). */
export const tokenAuthenticator: RequestAuthenticator = {
  enabled: true,
  async authenticate(headers) {
    return headers.authorization === `Bearer ${UI_TEST_TOKEN}`
      ? { ok: true, principal: ANONYMOUS_PRINCIPAL, credential: 'ui-test' }
      : { ok: false, reason: 'not the UI test token' };
  },
};

export interface UiGateway {
  readonly server: HttpServer;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * A gateway on 127.0.0.1 (a free port) over `lakeDir`, with the repository's baselines catalogue
 * and the UI bundles built from node_modules (once per change of their inputs).
 */
export async function startUiGateway(lakeDir: string): Promise<UiGateway> {
  await ensureUiBuilt();
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const config = loadConfig({ lake: lakeDir, port: 0, host: '127.0.0.1' }, { TRAILGATE_DUCKDB_THREADS: '1', TRAILGATE_MAX_RANGE_DAYS: '36500' });
  const server = await startHttpServer(config, await openEngine(config, lakeDir, logger), logger, { authenticator: tokenAuthenticator });
  return { server, origin: server.url.replace(/\/graphql$/, ''), close: () => server.close() };
}
