/** UTC calendar-day helpers on 'YYYY-MM-DD' strings (the delivery-day partition format). */
const DAY_MS = 86_400_000;

export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));
}

export function daysBetween(firstDay: string, lastDay: string): string[] {
  const out: string[] = [];
  for (let d = firstDay; d <= lastDay; d = addDays(d, 1)) out.push(d);
  return out;
}

export const isDay = (s: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(s) && utcDay(new Date(`${s}T00:00:00Z`)) === s;
