import '../shared/nav.css';
import './baselines.css';
import { renderAnswer } from './answer-view';

/**
 * The baselines page: pick a persisted baseline, a range and accounts, run it through
 * GET /baselines/<name> and see tables and charts. The credential stays in this tab only
 * (sessionStorage). The form's state is kept in the URL's fragment, so a link reopens it.
 */

const $ = (id) => document.getElementById(id);
const CREDENTIAL_KEY = 'trailgate.credential';
const DAY_MS = 24 * 60 * 60 * 1000;
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

const form = $('run-form');
const credential = $('credential');
const baseline = $('baseline');
const status = $('status');
const results = $('results');
let catalogue = [];

function headers() {
  const value = credential.value.trim();
  return { accept: 'application/json', ...(value ? { authorization: `Bearer ${value}` } : {}) };
}

async function getJson(url, init = {}) {
  const response = await fetch(url, { ...init, headers: { ...headers(), ...init.headers } });
  const body = await response.json().catch(() => null);
  return { status: response.status, body };
}

const problemOf = ({ status: code, body }) => (code === 401 ? 'Enter an API key or bearer token.' : body?.errors?.[0]?.message ?? `HTTP ${code}`);

/** Variables the form's own fields cover; the others get a field each (see showOperation). */
const COVERED = new Set(['range', 'from', 'to', 'accounts']);
/** Values for the other variables from the link, until the user changes baseline. */
let linkedValues = {};

const defaultText = (value) => (Array.isArray(value) ? value.join(', ') : value === null || value === undefined ? '' : String(value));

/** The chosen baseline's description, and a field for each of its other variables (empty: its default). */
function showOperation() {
  const op = catalogue.find((o) => o.name === baseline.value);
  $('description').textContent = op?.description ?? '';
  const fields = (op?.variables ?? []).filter((v) => !COVERED.has(v.name)).map((v) => {
    const input = document.createElement('input');
    input.type = 'text';
    input.name = v.name;
    input.spellcheck = false;
    input.dataset.variable = v.name;
    input.value = linkedValues[v.name] ?? '';
    const fallback = defaultText(v.defaultValue);
    input.placeholder = fallback || (v.type.endsWith('!') ? 'required' : 'optional');
    input.required = v.type.endsWith('!') && fallback === '';
    const label = document.createElement('label');
    label.append(`${v.name} `, Object.assign(document.createElement('small'), { textContent: v.type }), input);
    return label;
  });
  $('variables').replaceChildren(...fields);
}

/** The other variables' non-empty fields, as query parameters (lists comma-separated). */
function variableParams() {
  return [...$('variables').querySelectorAll('input[data-variable]')].filter((i) => i.value.trim() !== '').map((i) => [i.dataset.variable, i.value.trim()]);
}

/** Loads the catalogue into the picker, keeping the current choice, else `preferred` (the link's). */
async function loadCatalogue(preferred) {
  status.textContent = 'Loading the catalogue…';
  const answer = await getJson('/baselines');
  if (answer.status !== 200 || !Array.isArray(answer.body)) {
    status.textContent = problemOf(answer);
    return false;
  }
  const chosen = baseline.value || preferred;
  catalogue = answer.body;
  baseline.replaceChildren(...catalogue.map((op) => new Option(op.name, op.name)));
  if (catalogue.some((op) => op.name === chosen)) baseline.value = chosen;
  showOperation();
  status.textContent = `${catalogue.length} baselines.`;
  return true;
}

/** The last seven delivery days of the lake when the caller may ask (`lake`), else the seven days before today. */
async function defaultRange() {
  const answer = await getJson('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ lake { lastDay } }' }) }).catch(() => null);
  const lastDay = answer?.body?.data?.lake?.lastDay;
  const end = (lastDay ? Date.parse(`${lastDay}T00:00:00Z`) : Date.parse(`${isoDay(Date.now())}T00:00:00Z`) - DAY_MS) + DAY_MS;
  return { from: `${isoDay(end - 7 * DAY_MS)}T00:00:00Z`, to: `${isoDay(end)}T00:00:00Z` };
}

function readFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const others = Object.fromEntries([...params].filter(([key]) => !['baseline', 'from', 'to', 'accounts'].includes(key)));
  return { name: params.get('baseline'), from: params.get('from'), to: params.get('to'), accounts: params.get('accounts'), others };
}

function writeFragment() {
  const params = new URLSearchParams({ baseline: baseline.value, from: $('from').value.trim(), to: $('to').value.trim() });
  if ($('accounts').value.trim()) params.set('accounts', $('accounts').value.trim());
  for (const [name, value] of variableParams()) params.set(name, value);
  history.replaceState(null, '', `#${params}`);
}

async function run(event) {
  event.preventDefault();
  writeFragment();
  const params = new URLSearchParams({ from: $('from').value.trim(), to: $('to').value.trim() });
  const accounts = $('accounts').value.split(/[\s,]+/).filter(Boolean);
  if (accounts.length > 0) params.set('accounts', accounts.join(','));
  for (const [name, value] of variableParams()) params.set(name, value);
  status.textContent = `Running ${baseline.value}…`;
  results.replaceChildren();
  $('run').disabled = true;
  const started = performance.now();
  try {
    const answer = await getJson(`/baselines/${encodeURIComponent(baseline.value)}?${params}`);
    if (!answer.body || typeof answer.body !== 'object') throw new Error(`HTTP ${answer.status}`);
    renderAnswer(results, answer.body);
    status.textContent = answer.status === 200 && !answer.body.errors ? `${baseline.value}: answered in ${Math.round(performance.now() - started)} ms.` : problemOf(answer);
  } catch (error) {
    status.textContent = `The run failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    $('run').disabled = false;
  }
}

async function start() {
  const wanted = readFragment();
  linkedValues = wanted.others;
  if (wanted.accounts) $('accounts').value = wanted.accounts;
  if (wanted.from) $('from').value = wanted.from;
  if (wanted.to) $('to').value = wanted.to;
  credential.value = sessionStorage.getItem(CREDENTIAL_KEY) ?? '';
  credential.addEventListener('change', async () => {
    sessionStorage.setItem(CREDENTIAL_KEY, credential.value.trim());
    if (await loadCatalogue(wanted.name)) await fillRange(false);
  });
  baseline.addEventListener('change', () => {
    linkedValues = {};
    showOperation();
  });
  form.addEventListener('submit', run);
  if (await loadCatalogue(wanted.name)) await fillRange(false);
  document.body.dataset.ready = 'true';
}

/** Fills an empty range with the default one (or always, when `force`). */
async function fillRange(force) {
  if (!force && $('from').value && $('to').value) return;
  const range = await defaultRange();
  $('from').value = range.from;
  $('to').value = range.to;
}

void start();
