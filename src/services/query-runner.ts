import type { Engine, ExplainedQuery, QueryFacts, Row } from '../engines/engine';
import type { Principal } from '../domain/principal';
import type { Query } from '../query/ir';
import { rangeOpen } from '../engines/range-openness';

/**
 * Runs IR queries for one request and keeps their cost facts for `extensions.trailgate`.
 * In explain mode nothing runs: each query is compiled and kept, and answers as if the lake were
 * empty. Created per request; the engine is shared.
 */
export class QueryRunner {
  readonly facts: QueryFacts[] = [];
  readonly explained: ExplainedQuery[] = [];
  /** whether any query read delivery days that may still change (answers over them are provisional) */
  readOpenRange = false;

  constructor(
    readonly engine: Engine,
    /** who the request runs as: plans take its scope, engines its scan budget */
    readonly principal: Principal,
    readonly requestId: string,
    private readonly signal?: AbortSignal,
    readonly explain = false,
  ) {}

  async rows(query: Query): Promise<readonly Row[]> {
    if (rangeOpen(query.kind === 'select' ? query.plan : query.inner.plan, new Date())) this.readOpenRange = true;
    if (this.explain) {
      this.explained.push(await this.engine.explain(query));
      return [];
    }
    const result = await this.engine.run(query, {
      requestId: this.requestId,
      signal: this.signal,
      maxBytesScanned: this.principal.maxBytesScannedPerQuery ?? undefined,
    });
    this.facts.push(result.facts);
    return result.rows;
  }
}
