import { addDays } from '../domain/utc-day';

/** A ready-to-paste request for the last two delivery days of a lake. */
export function exampleQuery(url: string, lastDay: string | null, extraCurlArgs = ''): string {
  const to = lastDay ?? new Date().toISOString().slice(0, 10);
  const from = addDays(to, -2);
  const query = `{ identities(filter: { range: { from: "${from}T00:00:00Z", to: "${to}T00:00:00Z" } }, first: 5) { nodes { arn type eventCount errorCount topEvents(first: 3) { value count } } } }`;
  return `curl -s ${url} -H 'content-type: application/json'${extraCurlArgs} -d '${JSON.stringify({ query })}'`;
}
