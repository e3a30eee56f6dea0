import type { LakeResults } from './bench-results';
import { compareTop, type TopList } from './top-list';

/** Every method answers the same question: the gateway's answer is the reference (it de-duplicates). */
export function checkAgreement(r: { -readonly [K in keyof LakeResults]: LakeResults[K] }): void {
  const reference: TopList | undefined = r.c?.question.top ?? r.f?.question.cold.top;
  if (!reference) return;
  const others: [string, TopList | undefined][] = [
    ['a (jq)', r.a && 'top' in r.a ? r.a.top : undefined],
    ['b (DuckDB, raw)', r.b?.top],
    ['e (DuckDB, Parquet)', r.e?.top],
    ['f (gateway, Parquet)', r.f?.question.cold.top],
    ['f (gateway, Parquet, cached)', r.f?.question.cached?.top],
  ];
  const agreement: Record<string, ReturnType<typeof compareTop>> = {};
  const warnings: string[] = [];
  for (const [name, top] of others) {
    if (!top) continue;
    const a = compareTop(reference, top);
    agreement[name] = a;
    const gateway = name.startsWith('f');
    if (!a.sameOrder || (gateway && a.maxCountDelta > 0)) warnings.push(`${r.lake.label}: ${name} vs the gateway over raw: ${a.note}`);
  }
  r.agreement = agreement;
  r.warnings = [...r.warnings, ...warnings];
}
