import type { UiAssetManifest } from './ui-asset-manifest';
import { UI_ASSET_PREFIX, type UiPage } from './ui-page-request';

/**
 * Content Security Policy of the pages: everything from this origin, no inline script, no
 * plugins, no framing. GraphiQL's editor (Monaco) and its resizable panes set inline styles, so
 * that page allows them; the baselines page does not need to.
 * https://www.w3.org/TR/CSP3/#directives
 */
const CSP_BASE = [
  "default-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
];
export const PAGE_CSP: Readonly<Record<UiPage, string>> = {
  graphiql: [...CSP_BASE, "style-src 'self' 'unsafe-inline'"].join('; '),
  baselines: [...CSP_BASE, "style-src 'self'"].join('; '),
};

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const asset = (manifest: UiAssetManifest, entry: keyof UiAssetManifest['entries']): string => escapeHtml(UI_ASSET_PREFIX + manifest.entries[entry]);

function shell(title: string, css: string, body: string, script: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${css}">
</head>
<body>
${body}
<script src="${script}"></script>
</body>
</html>
`;
}

const NAV = (current: UiPage) => `<nav class="tg-nav" aria-label="trailgate">
  <strong>trailgate</strong>
  <a href="/graphiql"${current === 'graphiql' ? ' aria-current="page"' : ''}>GraphiQL</a>
  <a href="/baselines"${current === 'baselines' ? ' aria-current="page"' : ''}>Baselines</a>
</nav>`;

/** GraphiQL: the bundle mounts into #graphiql and starts Monaco's workers from the URLs given here. */
function graphiqlPage(manifest: UiAssetManifest): string {
  const root = `${NAV('graphiql')}
<div id="graphiql" data-editor-worker="${asset(manifest, 'editor.worker.js')}" data-json-worker="${asset(manifest, 'json.worker.js')}" data-graphql-worker="${asset(manifest, 'graphql.worker.js')}">Loading GraphiQL…</div>`;
  return shell('trailgate · GraphiQL', asset(manifest, 'graphiql.css'), root, asset(manifest, 'graphiql.js'));
}

/** The baselines page: the form is static; the script fills the catalogue and draws the answers. */
function baselinesPage(manifest: UiAssetManifest): string {
  const body = `${NAV('baselines')}
<main class="tg-baselines">
  <form id="run-form" class="tg-form" autocomplete="off">
    <label>API key / bearer token <input id="credential" type="password" autocomplete="off" placeholder="not needed in dev mode" spellcheck="false"></label>
    <label>Baseline <select id="baseline" required></select></label>
    <label>From (UTC) <input id="from" type="text" required placeholder="2026-11-01T00:00:00Z" spellcheck="false"></label>
    <label>To (UTC) <input id="to" type="text" required placeholder="2026-11-01T00:00:00Z" spellcheck="false"></label>
    <label>Accounts <input id="accounts" type="text" placeholder="all the caller may read; or 111122223333, …" spellcheck="false"></label>
    <button id="run" type="submit">Run</button>
    <div id="variables" class="tg-variables"></div>
  </form>
  <p id="description" class="tg-description"></p>
  <p id="status" class="tg-status" role="status" aria-live="polite"></p>
  <section id="results" aria-label="Results"></section>
</main>`;
  return shell('trailgate · Baselines', asset(manifest, 'baselines.css'), body, asset(manifest, 'baselines.js'));
}

export function renderUiPage(page: UiPage, manifest: UiAssetManifest): string {
  switch (page) {
    case 'graphiql':
      return graphiqlPage(manifest);
    case 'baselines':
      return baselinesPage(manifest);
    default: {
      const unknown: never = page;
      throw new Error(`no page ${String(unknown)}`);
    }
  }
}

/** What a page answers before `npm run build` has produced the bundles. */
export const UI_NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>trailgate</title></head>
<body><p>The browser UI is not built: run <code>npm run build</code> (it bundles GraphiQL and the baselines page from node_modules).</p></body>
</html>
`;
