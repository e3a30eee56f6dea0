import type { Engine, QueryFacts, Row } from '../engines/engine';
import type { Query } from '../query/ir';

/**
 * Runs IR queries for one request and keeps their cost facts for `extensions.trailgate`.
 * Created per request; the engine is shared.
 */
export class QueryRunner {
  readonly facts: QueryFacts[] = [];

  constructor(
    readonly engine: Engine,
    readonly requestId: string,
    private readonly signal?: AbortSignal,
  ) {}

  async rows(query: Query): Promise<readonly Row[]> {
    const result = await this.engine.run(query, { requestId: this.requestId, signal: this.signal });
    this.facts.push(result.facts);
    return result.rows;
  }
}
