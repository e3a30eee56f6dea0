import type { Load } from './autocannon';
import type { CompactionResult } from './compaction';
import type { QueryCost } from './gateway';
import type { Footprint } from './lake-footprint';
import type { MachineFacts } from './machine';
import type { MemoryResult } from './memory';
import type { Timings } from './timing';
import type { Agreement, TopList } from './top-list';

/** What one timed top-users method found. */
export interface TopUsersMeasurement {
  readonly timings: Timings;
  readonly top: TopList;
}

export interface GatewayMeasurement extends TopUsersMeasurement {
  readonly cost: QueryCost;
}

export interface BaselineMeasurement {
  readonly timings: Timings;
  readonly cost: QueryCost;
  readonly bodyBytes: number;
}

/** Everything measured over one lake; a phase not run (or skipped) is null. */
export interface LakeResults {
  readonly lake: {
    readonly label: string;
    readonly dir: string;
    readonly events: number;
    readonly duplicates: number;
    readonly days: number;
    readonly accounts: number;
    readonly raw: Footprint;
    readonly parquet: Footprint | null;
    readonly range: { readonly from: string; readonly to: string };
    readonly reused: boolean;
    readonly generateMs: number | null;
  };
  readonly a:
    | (TopUsersMeasurement & {
        pipeline: string;
        jq: string;
        /** when a ran in rounds with c: a / c of each round, and their median (the ratio reported) */
        paired?: { ratios: readonly number[]; ratioP50: number };
      })
    | { skipped: string }
    | null;
  readonly b: (TopUsersMeasurement & { sql: string }) | null;
  readonly c: {
    question: GatewayMeasurement;
    baseline: BaselineMeasurement | null;
    /** when b and c ran alternately: c / b of each pair, and their median (the ratio reported) */
    paired?: { ratios: readonly number[]; ratioP50: number };
  } | null;
  readonly d: CompactionResult | null;
  readonly e: (TopUsersMeasurement & { sql: string }) | null;
  readonly f: {
    readonly question: { cold: GatewayMeasurement; cached: GatewayMeasurement | null };
    readonly baseline: { cold: BaselineMeasurement; cached: BaselineMeasurement | null };
  } | null;
  readonly g: { gateway: Load & { bodyBytes: number }; bareApollo: Load; connections: number; durationS: number } | null;
  readonly h: { day: { from: string; to: string }; question: GatewayMeasurement; lake: Footprint } | null;
  readonly mem: MemoryResult | null;
  /** how each method's top list compares with the gateway's */
  readonly agreement: Readonly<Record<string, Agreement>>;
  readonly warnings: readonly string[];
}

export interface BenchResults {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly machine: { readonly start: MachineFacts; readonly end: MachineFacts; readonly duckdb: string };
  readonly settings: { readonly runs: number; readonly fastRuns: number; readonly pages: number; readonly loadSeconds: number; readonly connections: number };
  readonly lakes: readonly LakeResults[];
  readonly table: readonly TableRow[];
  readonly notes: readonly string[];
}

export interface TableRow {
  readonly row: string;
  readonly lake: string;
  readonly what: string;
  readonly measured: string;
  readonly ratio: string;
  readonly target: string;
  /** true / false against the target; null where the row has no target (or was not measured) */
  readonly met: boolean | null;
}
