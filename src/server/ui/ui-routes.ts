import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { mayRunOperation } from '../../domain/principal';
import type { PersistedCatalog } from '../../persisted/persisted-catalog';
import { defaultUiAssetsDir, readUiAssetManifest, type UiAssetManifest } from './ui-asset-manifest';
import { PAGE_CSP, renderUiPage, UI_NOT_BUILT } from './ui-pages';
import { UI_ASSET_PREFIX, uiPageOf, type UiPage } from './ui-page-request';

export interface UiRoutesOptions {
  readonly catalog: PersistedCatalog;
  /** where `npm run build` put the bundles (default: `<package root>/dist/ui`) */
  readonly assetsDir?: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
};

/**
 * The browser UI: GraphiQL at /graphiql (and for browsers at GET /graphql), the baselines page for
 * browsers at GET /baselines, their bundles under /ui/assets/, and /ui/catalogue (the catalogue
 * with its documents, for GraphiQL's examples; authenticated like /baselines). Pages and bundles
 * carry no data: the data calls they make go to /graphql and /baselines with the user's credentials.
 */
export function registerUiRoutes(app: FastifyInstance, { catalog, assetsDir = defaultUiAssetsDir() }: UiRoutesOptions): void {
  // Read when first needed and kept once found, so a server started before `npm run build` serves
  // the pages once they exist.
  let manifest: UiAssetManifest | null = null;
  const currentManifest = () => (manifest ??= readUiAssetManifest(assetsDir));

  const sendPage = (reply: FastifyReply, page: UiPage) => {
    const built = currentManifest();
    void reply
      .header('content-security-policy', PAGE_CSP[page])
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-cache')
      .header('vary', 'accept')
      .type('text/html; charset=utf-8');
    if (!built) return reply.code(503).send(UI_NOT_BUILT);
    return reply.send(renderUiPage(page, built));
  };

  // GET /graphql and GET /baselines are API routes too: a browser's navigation gets the page
  // before the route runs (the authentication hook lets these requests through, see isOpenUiRequest).
  app.addHook('onRequest', async (request, reply) => {
    const page = uiPageOf(request);
    if (page && request.url.split('?')[0] !== '/graphiql') return sendPage(reply, page);
  });
  app.get('/graphiql', { exposeHeadRoute: false }, async (_request, reply) => sendPage(reply, 'graphiql'));

  app.get<{ Params: { file: string } }>(`${UI_ASSET_PREFIX}:file`, async (request, reply) => {
    const built = currentManifest();
    const file = request.params.file;
    // Only names the build listed: nothing else in the directory, and no path tricks.
    if (!built || !built.files.includes(file)) return reply.code(404).type('text/plain').send('not found');
    const gzipped = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')) && fs.existsSync(path.join(assetsDir, `${file}.gz`));
    void reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .header('vary', 'accept-encoding')
      .type(CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream');
    if (gzipped) void reply.header('content-encoding', 'gzip');
    return reply.send(fs.createReadStream(path.join(assetsDir, gzipped ? `${file}.gz` : file)));
  });

  // A principal with an `operations` list sees only those (as at GET /baselines).
  app.get('/ui/catalogue', async (request) =>
    catalog.list().filter((op) => mayRunOperation(request.principal, op.name)).map((op) => ({
      name: op.name,
      id: op.id,
      description: op.description,
      document: op.body,
      variables: op.variables.map(({ name, type, defaultValue }) => ({ name, type, defaultValue })),
    })),
  );
}
