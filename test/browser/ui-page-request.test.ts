import { isOpenUiRequest, prefersHtml, uiPageOf } from '../../src/server/ui/ui-page-request';

const CHROME_NAVIGATION = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8';
const FIREFOX_NAVIGATION = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const get = (url: string, accept?: string) => ({ method: 'GET', url, headers: { accept } });

describe('which requests get a page', () => {
  it('prefers HTML only when a browser ranks it above JSON', () => {
    expect(prefersHtml(CHROME_NAVIGATION)).toBe(true);
    expect(prefersHtml(FIREFOX_NAVIGATION)).toBe(true);
    expect(prefersHtml('*/*')).toBe(false); // curl, fetch
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('application/graphql-response+json, application/json')).toBe(false);
    expect(prefersHtml('text/html;q=0.5, application/json')).toBe(false);
    expect(prefersHtml('text/*, application/json;q=0.9')).toBe(true);
    expect(prefersHtml('text/html, application/json')).toBe(false); // a tie stays JSON
  });

  it('serves GraphiQL at /graphiql, and to browsers at GET /graphql without a query string', () => {
    expect(uiPageOf(get('/graphiql'))).toBe('graphiql');
    expect(uiPageOf(get('/graphql', CHROME_NAVIGATION))).toBe('graphiql');
    expect(uiPageOf(get('/graphql?query=%7B__typename%7D', CHROME_NAVIGATION))).toBeNull();
    expect(uiPageOf(get('/graphql', '*/*'))).toBeNull();
    expect(uiPageOf({ method: 'POST', url: '/graphql', headers: { accept: CHROME_NAVIGATION } })).toBeNull();
  });

  it('serves the baselines page to browsers at GET /baselines, JSON to everyone else', () => {
    expect(uiPageOf(get('/baselines', CHROME_NAVIGATION))).toBe('baselines');
    expect(uiPageOf(get('/baselines', 'application/json'))).toBeNull();
    expect(uiPageOf(get('/baselines/TopUsers', CHROME_NAVIGATION))).toBeNull();
  });

  it('lets the pages and bundles through without credentials, and nothing that carries data', () => {
    expect(isOpenUiRequest(get('/ui/assets/graphiql-ABC.js'))).toBe(true);
    expect(isOpenUiRequest(get('/baselines', CHROME_NAVIGATION))).toBe(true);
    expect(isOpenUiRequest(get('/baselines'))).toBe(false);
    expect(isOpenUiRequest(get('/ui/catalogue'))).toBe(false);
    expect(isOpenUiRequest(get('/graphql?query=%7B__typename%7D', CHROME_NAVIGATION))).toBe(false);
    expect(isOpenUiRequest({ method: 'POST', url: '/ui/assets/x.js', headers: {} })).toBe(false);
  });
});
