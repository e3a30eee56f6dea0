import { barChart, timeSeriesChart } from './charts';

/** Rows shown per table: the rest is counted, and available through the JSON API. */
const TABLE_ROWS = 200;
/** The measure a ranking is drawn by, in order of preference. */
const MEASURES = ['count', 'eventCount', 'distinctCount', 'errorCount'];
/** What names a row in a ranking, in order of preference. */
const LABELS = ['keys', 'arn', 'value', 'name', 'eventName', 'eventSource'];

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

/** A cell's text: lists of { value, count } as "value (count)", other lists joined, objects as JSON. */
function cellText(value) {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) {
    return value.map((v) => (v && typeof v === 'object' && 'value' in v && 'count' in v ? `${v.value} (${v.count})` : typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ');
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The rows of a top-level answer: eventStats rows, a connection's nodes (or edges' nodes), or a list. */
function rowsOf(value) {
  if (Array.isArray(value)) return value.filter((v) => v && typeof v === 'object');
  if (!value || typeof value !== 'object') return null;
  if (Array.isArray(value.rows)) return value.rows;
  if (Array.isArray(value.nodes)) return value.nodes;
  if (Array.isArray(value.edges)) return value.edges.map((e) => e.node ?? e);
  return null;
}

function table(rows) {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const head = el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', { scope: 'col' }, c))));
  const body = el('tbody', {}, ...rows.slice(0, TABLE_ROWS).map((row) => el('tr', {}, ...columns.map((c) => el('td', {}, cellText(row[c]))))));
  const wrap = el('div', { class: 'tg-table-wrap' }, el('table', { class: 'tg-table' }, head, body));
  if (rows.length > TABLE_ROWS) wrap.append(el('p', { class: 'tg-note' }, `First ${TABLE_ROWS} of ${rows.length} rows.`));
  return wrap;
}

/** Per time bucket, the sum of each measure over the groups (a timeline's total line). */
function timeSeries(rows) {
  const measures = ['count', 'errorCount'].filter((m) => rows.some((row) => typeof row[m] === 'number'));
  const byBucket = new Map();
  for (const row of rows) {
    const t = Date.parse(row.bucket);
    if (Number.isNaN(t)) continue;
    const sums = byBucket.get(t) ?? Object.fromEntries(measures.map((m) => [m, 0]));
    for (const m of measures) sums[m] += row[m] ?? 0;
    byBucket.set(t, sums);
  }
  const times = [...byBucket.keys()].sort((a, b) => a - b);
  return measures.map((m) => ({ name: m === 'count' ? 'events' : 'errors', points: times.map((t) => ({ t, v: byBucket.get(t)[m] })) }));
}

function ranking(rows) {
  const measure = MEASURES.find((m) => rows.some((row) => typeof row[m] === 'number'));
  const label = LABELS.find((l) => rows.some((row) => row[l] !== undefined && row[l] !== null));
  if (!measure) return null;
  const items = rows.map((row, i) => ({ label: label ? cellText(row[label]) || '(none)' : `#${i + 1}`, value: row[measure] ?? 0 }));
  return { measure, items: items.sort((a, b) => b.value - a.value) };
}

/** A chart for rows: a time series when they have buckets, else top-N bars by their count. */
function chart(name, rows) {
  if (rows.length === 0) return null;
  if (rows.some((row) => typeof row.bucket === 'string')) {
    const series = timeSeries(rows);
    return series.length > 0 && series[0].points.length > 0 ? timeSeriesChart(series, { title: `${name}: events per bucket` }) : null;
  }
  const ranked = ranking(rows);
  return ranked ? barChart(ranked.items, { title: `${name}: top ${Math.min(15, ranked.items.length)} by ${ranked.measure}` }) : null;
}

function scalarsOf(value) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).filter(([, v]) => v === null || typeof v !== 'object');
}

/** Renders a GraphQL answer ({ data, errors, extensions }) into `container`. */
export function renderAnswer(container, answer) {
  container.replaceChildren();
  for (const error of answer.errors ?? []) {
    const code = error.extensions?.code ? `${error.extensions.code}: ` : '';
    container.append(el('p', { class: 'tg-error', role: 'alert' }, code + error.message));
  }
  const queries = answer.extensions?.trailgate?.queries ?? [];
  for (const [name, value] of Object.entries(answer.data ?? {})) {
    const section = el('section', { class: 'tg-field', 'data-field': name }, el('h2', {}, name));
    const facts = scalarsOf(value).map(([k, v]) => `${k}: ${v}`);
    if (facts.length > 0) section.append(el('p', { class: 'tg-facts' }, facts.join(' · ')));
    const rows = rowsOf(value);
    if (rows === null) {
      section.append(el('pre', { class: 'tg-json' }, JSON.stringify(value, null, 2)));
    } else if (rows.length === 0) {
      section.append(el('p', { class: 'tg-note' }, 'No rows in this range.'));
    } else {
      const drawn = chart(name, rows);
      if (drawn) section.append(el('figure', { class: 'tg-figure' }, drawn));
      section.append(table(rows));
    }
    container.append(section);
  }
  if (queries.length > 0) {
    const scanned = queries.reduce((sum, q) => sum + (q.bytesScanned ?? 0), 0);
    const ms = queries.reduce((sum, q) => sum + (q.engineMs ?? 0), 0);
    const read = scanned >= 1e6 ? `${(scanned / 1e6).toFixed(1)} MB` : `${Math.ceil(scanned / 1e3)} kB`;
    container.append(el('p', { class: 'tg-note' }, `${queries.length} engine ${queries.length === 1 ? 'query' : 'queries'}, ${read} read, ${Math.round(ms)} ms.`));
  }
}
