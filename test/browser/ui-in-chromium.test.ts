import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { filterEvents, loadReferenceLake, REAL_DATA_DIR } from '../support/reference-lake';
import { CHROMIUM_PATH, launchChromium, type Chromium } from './support/chromium';
import { saveScreenshot } from './support/screenshots';
import { startUiGateway, UI_TEST_TOKEN, type UiGateway } from './support/ui-gateway';

/**
 * The UI in a real browser (Debian's chromium driven by playwright-core) against a gateway over
 * the real CloudTrail sets, with authentication on: GraphiQL runs a query and explains a
 * baseline; the baselines page runs a timeline and a ranking and draws them.
 */

const FLAWS2 = { dir: path.join(REAL_DATA_DIR, 'flaws2-cloud'), account: '653711331788', range: { from: '2018-11-28T00:00:00Z', to: '2018-11-29T00:00:00Z' } };
/** 100 days of a small account's activity: a timeline with something to show. */
const GRYCAP = { dir: path.join(REAL_DATA_DIR, 'grycap-cloudtrail-tracker'), account: '974349055189', range: { from: '2018-01-27T00:00:00Z', to: '2018-05-10T00:00:00Z' } };
const DAY_MS = 24 * 60 * 60 * 1000;
const AUTH = { authorization: `Bearer ${UI_TEST_TOKEN}` };

/** Delivery days of every log file under `dir` (the folder names CloudTrail writes), sorted. */
function deliveryDays(dir: string): string[] {
  const days = new Set<string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      const m = /\/CloudTrail\/[^/]+\/(\d{4})\/(\d{2})\/(\d{2})\/[^/]+\.json\.gz$/.exec(full);
      if (m) days.add(`${m[1]}-${m[2]}-${m[3]}`);
    }
  };
  walk(dir);
  return [...days].sort();
}

let gw: UiGateway;
let browser: Chromium;
/** requests that left the gateway's origin, and what the pages complained about */
const offOrigin: string[] = [];
const problems: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: apt-get install -y chromium (.ci/run does)`);
  gw = await startUiGateway(REAL_DATA_DIR);
  browser = await launchChromium();
  // Anything not for the gateway is refused and recorded: the pages must work from it alone.
  await browser.context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${gw.origin}/`) || url.startsWith('data:')) return route.continue();
    offOrigin.push(url);
    return route.abort();
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await gw?.close();
});

async function openPage(url: string): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    // 401s are expected before the credential is entered; anything else is a problem.
    if (message.type() === 'error' && !/status of 401/.test(text)) problems.push(`console: ${text}`);
    if (/Content Security Policy/i.test(text)) problems.push(`CSP: ${text}`);
  });
  await page.goto(`${gw.origin}${url}`);
  return page;
}

/** Replaces a Monaco editor's text (typed text would gain auto-closed brackets and quotes). */
async function setEditor(page: Page, editor: Locator, text: string): Promise<void> {
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
  await page.keyboard.press('Shift+End');
  await page.keyboard.press('Delete');
}

const headerEditor = (page: Page) => page.locator('.monaco-editor[data-uri$="headers.json"]');
const variableEditor = (page: Page) => page.locator('.monaco-editor[data-uri$="variables.json"]');
const queryEditor = (page: Page) => page.locator('.graphiql-query-editor .monaco-editor');

/** Visible text with Monaco's non-breaking spaces as plain ones. */
const textOf = async (locator: Locator) => (await locator.innerText()).replace(/\u00a0/g, ' ');

/** Waits until `locator`'s text contains `wanted` (or its value equals it, for form fields). */
async function until(locator: Locator, wanted: string, read: (l: Locator) => Promise<string> = textOf, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await read(locator).catch(() => '');
    if (text.includes(wanted)) return text;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for "${wanted}"; last seen: ${text.slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('the UI in chromium', () => {
  it('GraphiQL runs a query with the credential from its header editor and shows the answer', async () => {
    const page = await openPage('/graphiql');
    await page.locator('.graphiql-container').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Headers' }).click();
    await setEditor(page, headerEditor(page), JSON.stringify(AUTH));
    await setEditor(page, queryEditor(page), 'query Coverage { lake { engine firstDay lastDay files } }');
    // GraphiQL reads the operation name from the document a moment after an edit (the tab's title shows it)
    await page.locator('.graphiql-tab', { hasText: 'Coverage' }).waitFor({ timeout: 10_000 });
    await page.locator('.graphiql-execute-button').click();
    const text = await until(page.locator('.graphiql-response .view-lines'), '"lake": {');
    expect(text).toContain('"engine": "duckdb"');
    const days = deliveryDays(REAL_DATA_DIR);
    expect(text).toContain(`"firstDay": "${days[0]}"`);
    expect(text).toContain(`"lastDay": "${days[days.length - 1]}"`);
    await saveScreenshot(page, 'graphiql-query');
    await page.close();
  });

  it('GraphiQL loads a baseline from its Baselines panel and explains it: the SQL and the partitions', async () => {
    const page = await openPage('/graphiql');
    await page.locator('.graphiql-container').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Headers' }).click();
    await setEditor(page, headerEditor(page), JSON.stringify(AUTH));
    await page.getByRole('button', { name: 'Show Baselines' }).click();
    await page.locator('[data-baseline="TopServices"]').click();
    await until(page.locator('.graphiql-query-editor .view-lines'), 'query TopServices(');
    await page.locator('.graphiql-tab', { hasText: 'TopServices' }).waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Variables' }).click();
    await setEditor(page, variableEditor(page), JSON.stringify({ range: FLAWS2.range, accounts: [FLAWS2.account] }));
    await page.locator('.tg-explain-button').click();
    const explained = page.locator('.tg-explained');
    await explained.first().waitFor({ timeout: 30_000 });

    // What the panel shows is what the gateway's explain answers for the same request.
    const direct = await fetch(`${gw.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...AUTH },
      body: JSON.stringify({ query: await sourceOf('TopServices'), variables: { range: FLAWS2.range, accounts: [FLAWS2.account] }, extensions: { explain: true } }),
    });
    const answer = (await direct.json()) as { extensions: { trailgate: { explain: Array<{ engine: string; sql: string; partitions: string[] }> } } };
    const expected = answer.extensions.trailgate.explain;
    expect(await explained.count()).toBe(expected.length);
    expect(await explained.first().locator('.tg-sql').innerText()).toBe(expected[0].sql);
    expect(await explained.first().locator('.tg-partitions li').allInnerTexts()).toEqual(expected[0].partitions);
    // independently: every partition is the account's, on the range's day or a padded neighbour
    expect(expected[0].partitions.length).toBeGreaterThan(0);
    for (const p of expected[0].partitions) expect(p).toMatch(new RegExp(`^${FLAWS2.account}/[a-z0-9-]+/2018-11-(27|28|29)$`));
    await saveScreenshot(page, 'graphiql-explain');
    await page.close();
  });

  it('the baselines page runs a daily timeline and a ranking, and draws them', async () => {
    const { account, range } = GRYCAP;
    const page = await openPage(`/baselines#baseline=ActivityTimeline&from=${range.from}&to=${range.to}&accounts=${account}&interval=DAY`);
    await until(page.locator('#status'), 'Enter an API key or bearer token.');
    await page.fill('#credential', UI_TEST_TOKEN);
    await page.locator('#credential').dispatchEvent('change');
    await until(page.locator('#baseline'), 'ActivityTimeline', (l) => l.inputValue());
    expect(await page.locator('input[data-variable="interval"]').inputValue()).toBe('DAY');
    await page.click('#run');
    const line = page.locator('svg.tg-timeseries polyline[data-series="events"]');
    await line.waitFor({ timeout: 60_000 });

    const events = filterEvents(loadReferenceLake(GRYCAP.dir), { range, accounts: [account] });
    const days = new Set(events.map((e) => Math.floor(e.time / DAY_MS)));
    const points = (await line.getAttribute('points'))!.trim().split(/\s+/);
    expect(points).toHaveLength(days.size);
    expect(await page.locator('[data-field="eventStats"] .tg-facts').innerText()).toContain(`totalEvents: ${events.length}`);
    expect(await page.locator('#status').innerText()).toMatch(/^ActivityTimeline: answered in \d+ ms\.$/);
    await saveScreenshot(page, 'baselines-timeline');

    await page.selectOption('#baseline', 'TopServices');
    await page.click('#run');
    const bars = page.locator('svg.tg-bars rect.tg-bar');
    await bars.first().waitFor({ timeout: 60_000 });
    const calls = new Map<string, number>();
    for (const e of events) calls.set(`${e.eventSource} ${e.eventName}`, (calls.get(`${e.eventSource} ${e.eventName}`) ?? 0) + 1);
    expect(await bars.count()).toBe(Math.min(15, calls.size));
    const top = Math.max(...calls.values());
    expect(await page.locator('svg.tg-bars text.tg-value').first().textContent()).toBe(String(top));
    await saveScreenshot(page, 'baselines-ranking');
    await page.close();
  });

  it('fetched nothing from any other origin, and raised no error or CSP violation', () => {
    expect(offOrigin).toEqual([]);
    expect(problems).toEqual([]);
  });
});

async function sourceOf(name: string): Promise<string> {
  const res = await fetch(`${gw.origin}/ui/catalogue`, { headers: AUTH });
  const catalogue = (await res.json()) as Array<{ name: string; document: string }>;
  return catalogue.find((op) => op.name === name)!.document;
}
