import path from 'node:path';
import { readUiAssetManifest, defaultUiAssetsDir, type UiAssetManifest } from '../../src/server/ui/ui-asset-manifest';
import { REAL_DATA_DIR } from '../support/reference-lake';
import { externalUrls, loadingUrls, unexpectedVendorUrls } from './support/external-urls';
import { startUiGateway, UI_TEST_TOKEN, type UiGateway } from './support/ui-gateway';

const FLAWS2 = path.join(REAL_DATA_DIR, 'flaws2-cloud');
const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const TOKEN = { authorization: `Bearer ${UI_TEST_TOKEN}` };

let gw: UiGateway;
let manifest: UiAssetManifest;

beforeAll(async () => {
  gw = await startUiGateway(FLAWS2);
  manifest = readUiAssetManifest(defaultUiAssetsDir())!;
});
afterAll(async () => {
  await gw?.close();
});

const get = (url: string, headers: Record<string, string> = {}) => fetch(`${gw.origin}${url}`, { headers, signal: AbortSignal.timeout(30_000) });
/** The status, with the body read (an unread body keeps its connection busy). */
const statusOf = async (url: string, headers: Record<string, string> = {}) => {
  const res = await get(url, headers);
  await res.arrayBuffer();
  return res.status;
};

describe('the UI over HTTP', () => {
  it('serves GraphiQL at /graphiql without credentials, with a strict CSP and no inline script', async () => {
    const res = await get('/graphiql');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toContain(`/ui/assets/${manifest.entries['graphiql.js']}`);
    for (const script of html.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) ?? []) expect(script).toMatch(/^<script src="\/ui\/assets\/[^"]+"><\/script>$/);
  });

  it('answers a browser at GET /graphql with GraphiQL, and API GETs with GraphQL as before', async () => {
    const page = await get('/graphql', BROWSER);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('id="graphiql"');

    const api = await get('/graphql?query=%7B__typename%7D', { ...TOKEN, 'apollo-require-preflight': 'true' });
    expect(api.status).toBe(200);
    expect(await api.json()).toMatchObject({ data: { __typename: 'Query' } });

    // no credentials, no data: a browser GET with a query string is an API call
    expect(await statusOf('/graphql?query=%7B__typename%7D', { ...BROWSER, 'apollo-require-preflight': 'true' })).toBe(401);
  });

  it('answers GET /baselines with the page to browsers and with the JSON catalogue to API clients', async () => {
    const page = await get('/baselines', BROWSER);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("style-src 'self'");
    expect(await page.text()).toContain('id="run-form"');

    const list = await get('/baselines', TOKEN);
    expect(list.status).toBe(200);
    const json = (await list.json()) as Array<{ name: string }>;
    expect(json.map((b) => b.name)).toContain('ActivityTimeline');

    expect(await statusOf('/baselines')).toBe(401);
  });

  it('serves the catalogue with its documents to authenticated callers only', async () => {
    expect(await statusOf('/ui/catalogue')).toBe(401);
    const res = await get('/ui/catalogue', TOKEN);
    const catalogue = (await res.json()) as Array<{ name: string; document: string; id: string }>;
    const timeline = catalogue.find((op) => op.name === 'ActivityTimeline')!;
    expect(timeline.document).toContain('query ActivityTimeline(');
    expect(timeline.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('serves the built bundles for a year, gzipped when asked, and nothing else', async () => {
    const js = await get(`/ui/assets/${manifest.entries['graphiql.js']}`, { 'accept-encoding': 'gzip' });
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('content-encoding')).toBe('gzip');
    expect((await js.arrayBuffer()).byteLength).toBeGreaterThan(100_000); // fetch decodes the gzip
    expect(await statusOf('/ui/assets/ui-manifest.json')).toBe(404);
    expect(await statusOf('/ui/assets/..%2Fui-manifest.json')).toBe(404);
    expect(await statusOf('/ui/assets/nothing.js')).toBe(404);
  });

  it('refers to no other origin: pages and our own code name none, vendor code only inert strings', async () => {
    const pages = [await (await get('/graphiql')).text(), await (await get('/baselines', BROWSER)).text()];
    for (const html of pages) expect(externalUrls(html, gw.origin)).toEqual([]);
    const own = ['baselines.js', 'baselines.css'] as const;
    for (const entry of own) expect(externalUrls(await (await get(`/ui/assets/${manifest.entries[entry]}`)).text(), gw.origin)).toEqual([]);
    for (const file of manifest.files.filter((f) => /\.(js|css)$/.test(f))) {
      const text = await (await get(`/ui/assets/${file}`)).text();
      expect({ file, urls: unexpectedVendorUrls(text, gw.origin) }).toEqual({ file, urls: [] });
      expect({ file, loads: loadingUrls(text) }).toEqual({ file, loads: [] });
    }
  });
});
