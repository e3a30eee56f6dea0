import { createHash } from 'node:crypto';
import type { AccountScope } from '../domain/principal';
import type { PartitionPlan, Query } from '../query/ir';
import type { ExplainedQuery } from './engine';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64url');

/** The plan a query reads (a top-per-group query reads its inner select's). */
export const rootPlan = (q: Query): PartitionPlan => (q.kind === 'select' ? q.plan : q.inner.plan);

/** A digest of an account scope: `*`, or the sorted unique account ids. */
export function scopeDigest(scope: AccountScope): string {
  return sha256(scope === '*' ? '*' : [...new Set(scope)].sort().join(',')).slice(0, 22);
}

/**
 * The result cache's key: the engine, the scope the plan was built for, and the statement as that
 * engine compiles it (dialect, SQL, parameters), with what it reads (partitions and, where the
 * engine knows it, a fingerprint of the files). The scope is also rendered into the SQL; it is
 * keyed on its own anyway, because tenant scope is part of every cache key (ARCHITECTURE.md), so
 * no change to a compiler can let one scope's rows answer another's request.
 */
export function resultCacheKey(engine: string, query: Query, explained: ExplainedQuery): string {
  const plan = rootPlan(query);
  const statement = JSON.stringify([
    explained.compiled.dialect,
    explained.compiled.sql,
    explained.compiled.params.map((p) => [p.type, p.value]),
    explained.partitions,
    explained.fingerprint ?? null,
    plan.accounts,
  ]);
  return `${engine}:${scopeDigest(plan.scope)}:${sha256(statement)}`;
}
