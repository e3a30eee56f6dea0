import DataLoader from 'dataloader';
import stringify from 'safe-stable-stringify';
import type { TimeRangeSpec } from '../query/event-filter';
import type { RoleChainView } from '../mapping/views';
import type { QueryRunner } from '../services/query-runner';
import type { RoleChainService } from '../services/role-chain.service';
import { groupedBatch } from './grouped-batch';

/** Largest number of principals one batch resolves. */
const MAX_BATCH = 200;

export interface RoleChainKey {
  readonly arn: string;
  readonly range: TimeRangeSpec;
}

const keyOf = (k: unknown) => stringify(k) ?? '';

/**
 * Identity.assumedBy and Identity.sourcePrincipal of every principal asked for in a tick, resolved
 * together: one engine query for the batch plus one per further chain level (RoleChainService).
 */
export function createRoleChainLoader(runner: QueryRunner, chains: RoleChainService) {
  return new DataLoader<RoleChainKey, RoleChainView, string>(
    (keys) =>
      groupedBatch(
        keys,
        (k) => keyOf(k.range),
        async (group) => {
          const resolved = await chains.resolve(runner, [...new Set(group.map((k) => k.arn))], group[0].range);
          return new Map(group.map((k) => [k, resolved.get(k.arn) ?? EMPTY]));
        },
        EMPTY,
      ),
    { cacheKeyFn: keyOf, maxBatchSize: MAX_BATCH },
  );
}

const EMPTY: RoleChainView = Object.freeze({ assumedBy: [], sourcePrincipal: null });

export type RoleChainLoader = ReturnType<typeof createRoleChainLoader>;
