import type { Logger } from 'pino';
import type { Principal } from '../domain/principal';
import { TrailgateError } from '../domain/trailgate-error';
import type { Engine, QueryFacts } from '../engines/engine';
import { mapEvent } from '../mapping/event.mapper';
import { eventSelectOf } from '../query/event-columns';
import type { EventFilterSpec } from '../query/event-filter';
import { eventExportQuery, type EventOrder } from '../query/event-queries';
import { columnsNeeded, exportValue, type ExportColumn } from './export-columns';
import { checkRange, type QueryLimits } from './limits';
import { planFor } from './plan-for';

export interface ExportRequest {
  readonly filter: EventFilterSpec;
  readonly columns: readonly ExportColumn[];
  readonly order: EventOrder;
}

export interface ExportServiceOptions {
  /** exports running at once at most; another is ENGINE_UNAVAILABLE (each holds an engine connection or slot while its client reads) */
  readonly maxConcurrent: number;
  /** the longest an export may take, the engine's scan and sort and its client's reading included (QUERY_TIMEOUT after it) */
  readonly deadlineMs: number;
}

/** Rows per batch an export hands to its writer at most. */
export const EXPORT_SLICE_ROWS = 500;

export const EXPORT_DEFAULTS: ExportServiceOptions = Object.freeze({ maxConcurrent: 2, deadlineMs: 15 * 60_000 });

/** One export's rows: batches of values in column order, as the engine hands them over. */
export type ExportBatches = AsyncIterable<unknown[][]>;

/**
 * Exports: every event of a filter, streamed. The same rules as `events` (the principal's range
 * cap, scope ∩ requested accounts planned before any engine call, the scan budget enforced by the
 * engine, the same predicate and de-duplication) without the 1000-row page cap: an export is
 * bounded by its range, its scope, the scan budget and a deadline instead.
 */
export class ExportService {
  private running = 0;

  constructor(
    private readonly engine: Engine,
    private readonly limits: QueryLimits,
    private readonly logger: Logger,
    private readonly opts: ExportServiceOptions = EXPORT_DEFAULTS,
  ) {}

  /**
   * Checks and plans an export: refusals of the caller or its input throw here, before any engine
   * call. The rows are computed as they are pulled; the engine's own refusals (scan budget,
   * deadline) come with the first pull. Ending the iteration or aborting `signal` stops the engine.
   */
  open(principal: Principal, req: ExportRequest, ctx: { requestId: string; signal: AbortSignal }): ExportBatches {
    // Partners run the catalogue only (README, Security model): an export is free-form reading.
    if (principal.mode === 'persisted-only') throw new TrailgateError('FORBIDDEN', 'This caller may run catalogue operations only; exports are not among them.');
    checkRange(req.filter.range, this.limits, principal);
    const plan = planFor(req.filter, this.limits, principal);
    const stream = this.engine.stream?.bind(this.engine);
    if (!stream) throw new TrailgateError('ENGINE_UNAVAILABLE', 'This engine cannot stream exports.');
    const query = eventExportQuery(req.filter, plan, req.order, eventSelectOf(columnsNeeded(req.columns)));
    const budget = principal.maxBytesScannedPerQuery ?? undefined;
    // The engine's own deadline (meant for interactive pages) would cut a long export's scan and
    // sort; the export's deadline bounds it instead, with the scan budget.
    const timeoutMs = this.opts.deadlineMs;
    return this.batches((signal, onFacts) => stream(query, { requestId: ctx.requestId, signal, timeoutMs, maxBytesScanned: budget, onFacts }), req.columns, principal, ctx);
  }

  private async *batches(
    start: (signal: AbortSignal, onFacts: (f: QueryFacts) => void) => AsyncIterable<readonly Record<string, unknown>[]>,
    columns: readonly ExportColumn[],
    principal: Principal,
    ctx: { requestId: string; signal: AbortSignal },
  ): AsyncGenerator<unknown[][]> {
    if (this.running >= this.opts.maxConcurrent) throw new TrailgateError('ENGINE_UNAVAILABLE', 'Too many exports are running; try again shortly.');
    this.running++;
    const ctl = new AbortController();
    const onAbort = () => ctl.abort(ctx.signal.reason);
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
    let overdue = false;
    const timer = setTimeout(() => {
      overdue = true;
      ctl.abort(new TrailgateError('QUERY_TIMEOUT', `The export did not finish within ${Math.round(this.opts.deadlineMs / 1000)} s; narrow the filter.`));
    }, this.opts.deadlineMs);
    const started = performance.now();
    let rows = 0;
    let facts: QueryFacts | null = null;
    let outcome = 'stopped';
    try {
      for await (const batch of start(ctl.signal, (f) => (facts = f))) {
        // An engine batch (a DuckDB chunk: 2048 rows) is handed on in slices, so a slow reader
        // holds at most a slice of formatted text beside the engine's batch.
        for (let i = 0; i < batch.length; i += EXPORT_SLICE_ROWS) {
          const slice = batch.slice(i, i + EXPORT_SLICE_ROWS).map((r) => {
            const event = mapEvent(r as Parameters<typeof mapEvent>[0]);
            return columns.map((c) => exportValue(event, c));
          });
          rows += slice.length;
          yield slice;
        }
      }
      outcome = 'complete';
    } catch (e) {
      const error = overdue ? ctl.signal.reason : e;
      outcome = `failed: ${(error as TrailgateError)?.code ?? 'error'}`;
      throw error;
    } finally {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      this.running--;
      if (outcome !== 'complete' && ctx.signal.aborted) outcome = 'client gone';
      this.logger.info({ requestId: ctx.requestId, principal: principal.id, rows, ms: Math.round(performance.now() - started), outcome, query: facts }, 'export');
    }
  }
}
