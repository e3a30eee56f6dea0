/** Hand-drawn SVG charts: a time series for timelines, horizontal bars for rankings. */

const SVG_NS = 'http://www.w3.org/2000/svg';
const COLOURS = ['#2f6fde', '#d9480f', '#2b8a3e', '#862e9c'];

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

const compact = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${Math.round(n / 1e3)}k` : String(Math.round(n)));
const shortTime = (ms) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/**
 * `series`: [{ name, points: [{ t: epoch ms, v: number }] }], points in time order.
 * Returns an <svg> with axes, one polyline per series and a legend.
 */
export function timeSeriesChart(series, { width = 900, height = 260, title } = {}) {
  const pad = { left: 56, right: 16, top: 28, bottom: 36 };
  const all = series.flatMap((s) => s.points);
  const t0 = Math.min(...all.map((p) => p.t));
  const t1 = Math.max(...all.map((p) => p.t));
  const vMax = Math.max(1, ...all.map((p) => p.v));
  const x = (t) => pad.left + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (width - pad.left - pad.right);
  const y = (v) => height - pad.bottom - (v / vMax) * (height - pad.top - pad.bottom);

  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'tg-chart tg-timeseries', role: 'img', 'aria-label': title ?? 'time series' });
  if (title) root.append(svg('title', {}, title));
  for (const v of [0, vMax / 2, vMax]) {
    root.append(svg('line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: 'tg-grid' }));
    root.append(svg('text', { x: pad.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tg-tick' }, compact(v)));
  }
  root.append(svg('text', { x: pad.left, y: height - 10, class: 'tg-tick' }, shortTime(t0)));
  if (t1 !== t0) root.append(svg('text', { x: width - pad.right, y: height - 10, 'text-anchor': 'end', class: 'tg-tick' }, shortTime(t1)));

  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const points = s.points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
    root.append(svg('polyline', { points, fill: 'none', stroke: colour, 'stroke-width': 2, class: 'tg-line', 'data-series': s.name }));
    if (s.points.length <= 60) {
      for (const p of s.points) {
        const dot = svg('circle', { cx: x(p.t), cy: y(p.v), r: 2.5, fill: colour });
        dot.append(svg('title', {}, `${s.name} ${shortTime(p.t)}: ${p.v}`));
        root.append(dot);
      }
    }
    root.append(svg('rect', { x: pad.left + i * 150, y: 8, width: 10, height: 10, fill: colour }));
    root.append(svg('text', { x: pad.left + i * 150 + 14, y: 17, class: 'tg-legend' }, s.name));
  });
  return root;
}

/** `items`: [{ label, value }], largest first (at most the first `limit` are drawn). */
export function barChart(items, { width = 900, limit = 15, title } = {}) {
  const shown = items.slice(0, limit);
  const bar = 20;
  const gap = 6;
  const labelWidth = 360;
  const height = shown.length * (bar + gap) + gap;
  const vMax = Math.max(1, ...shown.map((item) => item.value));
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'tg-chart tg-bars', role: 'img', 'aria-label': title ?? 'ranking' });
  if (title) root.append(svg('title', {}, title));
  shown.forEach((item, i) => {
    const top = gap + i * (bar + gap);
    const label = item.label.length > 52 ? `${item.label.slice(0, 51)}…` : item.label;
    const length = Math.max(1, (item.value / vMax) * (width - labelWidth - 70));
    root.append(svg('text', { x: labelWidth - 8, y: top + bar / 2 + 4, 'text-anchor': 'end', class: 'tg-label' }, label));
    const rect = svg('rect', { x: labelWidth, y: top, width: length.toFixed(1), height: bar, fill: COLOURS[0], class: 'tg-bar' });
    rect.append(svg('title', {}, `${item.label}: ${item.value}`));
    root.append(rect);
    root.append(svg('text', { x: labelWidth + length + 6, y: top + bar / 2 + 4, class: 'tg-value' }, String(item.value)));
  });
  return root;
}
