import pino from 'pino';
import { loadConfig } from '../../src/config/config';
import type { Principal } from '../../src/domain/principal';
import type { Engine } from '../../src/engines/engine';
import type { ExplainView } from '../../src/mapping/explain.mapper';
import { createGateway, openEngine, type Gateway } from '../../src/server/gateway';

export interface TestResult {
  data?: Record<string, any> | null;
  errors?: ReadonlyArray<{ message: string; extensions?: Record<string, any>; path?: readonly (string | number)[] }>;
  extensions?: Record<string, any>;
}

export interface Harness {
  readonly gateway: Gateway;
  readonly engine: Engine;
  /** runs as `principal` (default: the anonymous full principal of dev mode) */
  exec(query: string, variables?: Record<string, unknown>, principal?: Principal): Promise<TestResult>;
  /** the engine queries the operation would run (the explain extension; nothing runs); fails on errors */
  explain(query: string, variables?: Record<string, unknown>, principal?: Principal): Promise<ExplainView[]>;
  close(): Promise<void>;
}

export const silentLogger = () => pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** An in-process gateway over a lake directory (no HTTP), as the CLI's `query` runs it. */
export async function openHarness(lakeDir: string, env: Record<string, string> = {}, engine?: Engine): Promise<Harness> {
  const config = loadConfig({ lake: lakeDir }, { TRAILGATE_MAX_RANGE_DAYS: '36500', TRAILGATE_DUCKDB_THREADS: '2', ...env });
  const logger = silentLogger();
  const eng = engine ?? (await openEngine(config, lakeDir, logger));
  const gateway = await createGateway(config, eng, logger);
  return {
    gateway,
    engine: eng,
    async exec(query, variables, principal) {
      const res = await gateway.apollo.executeOperation({ query, variables }, { contextValue: gateway.context({ principal }) });
      if (res.body.kind !== 'single') throw new Error('unexpected incremental result');
      return res.body.singleResult as TestResult;
    },
    async explain(query, variables, principal) {
      const res = await gateway.apollo.executeOperation({ query, variables }, { contextValue: gateway.context({ explain: true, principal }) });
      if (res.body.kind !== 'single') throw new Error('unexpected incremental result');
      const { errors, extensions } = res.body.singleResult;
      if (errors) throw new Error(`explain failed: ${JSON.stringify(errors)}`);
      return ((extensions as any)?.trailgate?.explain ?? []) as ExplainView[];
    },
    close: () => gateway.close(),
  };
}

/** Two gateways over one lake, result cache off: `raw` reads raw files only, `tiered` the Parquet tier where compacted. */
export interface TierPair {
  readonly raw: Harness;
  readonly tiered: Harness;
  close(): Promise<void>;
}

export async function openTierPair(lakeDir: string): Promise<TierPair> {
  const raw = await openHarness(lakeDir, { TRAILGATE_CACHE: 'off', TRAILGATE_PARQUET: 'off' });
  const tiered = await openHarness(lakeDir, { TRAILGATE_CACHE: 'off' });
  return { raw, tiered, close: async () => void (await Promise.all([raw.close(), tiered.close()])) };
}

/** `fn` over a fresh TierPair (fresh listings of the lake), closed after. */
export async function withTierPair<T>(lakeDir: string, fn: (pair: TierPair) => Promise<T>): Promise<T> {
  const pair = await openTierPair(lakeDir);
  try {
    return await fn(pair);
  } finally {
    await pair.close();
  }
}

/**
 * One harness for a whole test file (opened in beforeAll, closed in afterAll), with an `exec`
 * that returns the response as a client receives it (JSON on the wire: DateTimes become ISO strings).
 */
export function useHarness(lakeDir: string, env: Record<string, string> = {}) {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await openHarness(lakeDir, env);
  });
  afterAll(async () => {
    await h?.close();
  });
  const harness = (): Harness => {
    if (!h) throw new Error('the harness is not open yet');
    return h;
  };
  const exec = async (q: string, v?: Record<string, unknown>, principal?: Principal): Promise<TestResult> =>
    JSON.parse(JSON.stringify(await harness().exec(q, v, principal)));
  return { exec, harness };
}
