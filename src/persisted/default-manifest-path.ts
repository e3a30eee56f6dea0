import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * `<repo>/schema/persisted/manifest.json`, found from this file's own location so that ts-jest
 * (src/persisted/) and the build (dist/src/persisted/) agree: the repository root is the nearest
 * ancestor holding package.json (dist/ has none of its own).
 */
export function defaultManifestPath(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(from, '../../schema/persisted/manifest.json');
    dir = parent;
  }
  return path.join(dir, 'schema', 'persisted', 'manifest.json');
}
