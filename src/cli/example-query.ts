import { addDays } from '../domain/utc-day';

/** A ready-to-paste request for the last two delivery days of a lake. */
export function exampleQuery(url: string, lastDay: string | null): string {
  const to = lastDay ?? new Date().toISOString().slice(0, 10);
  const from = addDays(to, -2);
  const query = `{ eventStats(filter: { range: { from: "${from}T00:00:00Z", to: "${to}T00:00:00Z" } }, groupBy: [{ dimension: PRINCIPAL_ARN }], first: 5) { totalEvents rows { keys count errorCount } } }`;
  return `curl -s ${url} -H 'content-type: application/json' -d '${JSON.stringify({ query })}'`;
}
