import fs from 'node:fs';
import path from 'node:path';

/** The bundles the pages load, by the name the build gives their entry point. */
export const UI_ENTRIES = ['graphiql.js', 'graphiql.css', 'baselines.js', 'baselines.css', 'editor.worker.js', 'json.worker.js', 'graphql.worker.js'] as const;
export type UiEntry = (typeof UI_ENTRIES)[number];

/** What `npm run build` (scripts/build-ui.ts) writes next to the bundles as `ui-manifest.json`. */
export interface UiAssetManifest {
  /** entry → its content-hashed file name (what the pages reference, cached for a year) */
  readonly entries: Readonly<Record<UiEntry, string>>;
  /** every file the gateway serves under /ui/assets/ (entries and what they load, such as fonts) */
  readonly files: readonly string[];
  /** digest of the build's inputs (client sources, lockfile, build script): rebuild when it moves */
  readonly inputs: string;
}

export const UI_MANIFEST_FILE = 'ui-manifest.json';

/** `<package root>/dist/ui`, found the same way from src/ (ts-node, jest) and from dist/src/. */
export function defaultUiAssetsDir(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return path.join(dir, 'dist', 'ui');
}

/** The manifest of a built UI, or null when the UI has not been built there. */
export function readUiAssetManifest(dir: string): UiAssetManifest | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, UI_MANIFEST_FILE), 'utf8')) as UiAssetManifest;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
