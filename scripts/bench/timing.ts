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
 * Several methods timed in rounds (the warm-ups first, then one run of each method per round): on
 * a shared machine whose speed drifts between minutes, the ratio of two methods within each round
 * is what compares them (see ratioOf).
 */
export async function measureRounds(k: number, methods: readonly { run: () => Promise<number>; warmups: number }[]): Promise<Timings[]> {
  const first: (number | null)[] = [];
  for (const m of methods) {
    let ms: number | null = null;
    for (let i = 0; i < m.warmups; i++) {
      const t = await m.run();
      if (i === 0) ms = t;
    }
    first.push(ms);
  }
  const runs: number[][] = methods.map(() => []);
  for (let i = 0; i < k; i++) for (const [j, m] of methods.entries()) runs[j].push(await m.run());
  return runs.map((r, j) => ({ runsMs: r.map((m) => round(m, 1)), p50Ms: round(median(r), 1), firstMs: first[j] === null ? null : round(first[j] as number, 1) }));
}

/** num / den of each round, and their median (the ratio reported). */
export function ratioOf(num: Timings, den: Timings): { ratios: readonly number[]; ratioP50: number } {
  const ratios = num.runsMs.map((m, i) => m / den.runsMs[i]);
  return { ratios: ratios.map((r) => round(r, 3)), ratioP50: round(median(ratios), 3) };
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
