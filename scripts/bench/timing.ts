/** Timing helpers: the median of k runs, and deadlines for every phase. */

export interface Timings {
  /** every measured run, in order, milliseconds */
  readonly runsMs: readonly number[];
  readonly p50Ms: number;
  /** the warm-up (first) run, when there was one */
  readonly firstMs: number | null;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const round = (ms: number, digits = 0): number => Number(ms.toFixed(digits));

/**
 * Runs `once` (after `warmups` unmeasured runs, the first of which is reported as `firstMs`) `k`
 * times, one after the other, and returns the timings. `once` returns its own duration, so it can
 * leave set-up and checks out of the measurement.
 */
export async function measure(k: number, warmups: number, once: (i: number) => Promise<number>): Promise<Timings> {
  let firstMs: number | null = null;
  for (let i = 0; i < warmups; i++) {
    const ms = await once(-1 - i);
    if (i === 0) firstMs = ms;
  }
  const runsMs: number[] = [];
  for (let i = 0; i < k; i++) runsMs.push(await once(i));
  return { runsMs: runsMs.map((m) => round(m, 1)), p50Ms: round(median(runsMs), 1), firstMs: firstMs === null ? null : round(firstMs, 1) };
}

/**
 * Two methods timed alternately (a warm-up of each, then a, b, a, b, ...): on a shared machine
 * whose speed drifts between minutes, the ratio of each pair is what compares them, and its
 * median is the ratio reported.
 */
export async function measurePaired(
  k: number,
  a: () => Promise<number>,
  b: () => Promise<number>,
): Promise<{ a: Timings; b: Timings; ratios: readonly number[]; ratioP50: number }> {
  const firstA = await a();
  const firstB = await b();
  const [as, bs]: [number[], number[]] = [[], []];
  for (let i = 0; i < k; i++) {
    as.push(await a());
    bs.push(await b());
  }
  const timings = (runs: number[], first: number): Timings => ({ runsMs: runs.map((m) => round(m, 1)), p50Ms: round(median(runs), 1), firstMs: round(first, 1) });
  const ratios = bs.map((m, i) => m / as[i]);
  return { a: timings(as, firstA), b: timings(bs, firstB), ratios: ratios.map((r) => round(r, 3)), ratioP50: round(median(ratios), 3) };
}

/** Rejects after `ms` (calling `onTimeout` first, to stop the work), else settles like `work`. */
export async function withDeadline<T>(label: string, ms: number, work: Promise<T>, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new Error(`${label}: no answer within ${Math.round(ms / 1000)} s`));
    }, ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
