import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { defaultUiAssetsDir, readUiAssetManifest, UI_ENTRIES, UI_MANIFEST_FILE, type UiAssetManifest, type UiEntry } from '../src/server/ui/ui-asset-manifest';

/**
 * Bundles the browser UI (GraphiQL with Monaco's workers, the baselines page) from node_modules
 * into content-hashed files with esbuild, plus gzip copies and `ui-manifest.json`. Nothing is
 * downloaded: every input is in the repository or node_modules. Run by `npm run build`; the
 * browser tests call ensureUiBuilt().
 */

const ROOT = path.resolve(defaultUiAssetsDir(), '..', '..');
const CLIENT = path.join(ROOT, 'src', 'server', 'ui', 'client');

/** entry name (without extension) → source */
const ENTRY_POINTS: Record<string, string> = {
  graphiql: path.join(CLIENT, 'graphiql', 'graphiql-main.jsx'),
  baselines: path.join(CLIENT, 'baselines', 'baselines-main.js'),
  'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
  'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
  'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
};

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Digest of what the bundles are made from: the client sources, the lockfile and this script. */
export function uiInputsDigest(): string {
  const hash = createHash('sha256');
  // the script's source, whether this runs from scripts/ (ts-node, jest) or dist/scripts/
  const inputs = [...listFiles(CLIENT).sort(), path.join(ROOT, 'package-lock.json'), path.join(ROOT, 'scripts', 'build-ui.ts')];
  for (const file of inputs) hash.update(path.relative(ROOT, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  return hash.digest('hex');
}

export async function buildUi(outDir: string = defaultUiAssetsDir()): Promise<UiAssetManifest> {
  // esbuild is a dev dependency: loaded here only, never by the server.
  const esbuild = require('esbuild') as typeof import('esbuild');
  const inputs = uiInputsDigest();
  // Built beside the target and swapped in, so a running server never sees half a build.
  const staging = `${outDir}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: ENTRY_POINTS,
    absWorkingDir: ROOT,
    outdir: staging,
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    loader: { '.js': 'jsx', '.ttf': 'file' },
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    define: { 'process.env.NODE_ENV': '"production"' },
    // Licence texts go to .LEGAL.txt files beside the bundles, not into what browsers load.
    legalComments: 'external',
    metafile: true,
    logLevel: 'error',
  });

  const entries: Partial<Record<UiEntry, string>> = {};
  const files: string[] = [];
  for (const [output, meta] of Object.entries(result.metafile.outputs)) {
    const file = path.basename(output);
    if (file.endsWith('.LEGAL.txt')) continue;
    files.push(file);
    if (!meta.entryPoint) continue;
    const name = Object.keys(ENTRY_POINTS).find((key) => path.resolve(ROOT, meta.entryPoint!) === path.resolve(ROOT, ENTRY_POINTS[key]) || meta.entryPoint!.endsWith(ENTRY_POINTS[key]));
    if (!name) throw new Error(`build-ui: no entry for ${meta.entryPoint}`);
    entries[`${name}.js` as UiEntry] = file;
    if (meta.cssBundle) entries[`${name}.css` as UiEntry] = path.basename(meta.cssBundle);
  }
  for (const entry of UI_ENTRIES) if (!entries[entry]) throw new Error(`build-ui: the build produced no ${entry}`);
  for (const file of files) {
    if (/\.(js|css|ttf)$/.test(file)) fs.writeFileSync(path.join(staging, `${file}.gz`), zlib.gzipSync(fs.readFileSync(path.join(staging, file)), { level: 9 }));
  }
  const manifest: UiAssetManifest = { entries: entries as Record<UiEntry, string>, files: files.sort(), inputs };
  fs.writeFileSync(path.join(staging, UI_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  // Two test files may build at once: whoever finishes second keeps the first one's (identical) build.
  if (readUiAssetManifest(outDir)?.inputs === inputs) {
    fs.rmSync(staging, { recursive: true, force: true });
    return manifest;
  }
  const previous = `${outDir}.old-${process.pid}`;
  if (fs.existsSync(outDir)) fs.renameSync(outDir, previous);
  try {
    fs.renameSync(staging, outDir);
  } catch (error) {
    if (readUiAssetManifest(outDir)?.inputs !== inputs) throw error;
  } finally {
    fs.rmSync(previous, { recursive: true, force: true });
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return manifest;
}

/** Builds unless `outDir` already holds a build of the current inputs. */
export async function ensureUiBuilt(outDir: string = defaultUiAssetsDir()): Promise<UiAssetManifest> {
  const existing = readUiAssetManifest(outDir);
  if (existing && existing.inputs === uiInputsDigest()) return existing;
  return buildUi(outDir);
}

if (require.main === module) {
  buildUi().then(
    (manifest) => console.log(`UI bundles in ${path.relative(process.cwd(), defaultUiAssetsDir()) || '.'}: ${Object.values(manifest.entries).join(', ')}`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
