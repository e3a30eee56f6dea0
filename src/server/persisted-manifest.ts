import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { defaultManifestPath } from '../persisted/default-manifest-path';
import { PersistedCatalog } from '../persisted/persisted-catalog';

/**
 * The catalogue to serve. `undefined`: the repository's schema/persisted/manifest.json, or none
 * with a warning while that file does not exist yet. A path: that file, which must exist. `null`:
 * no catalogue. A manifest that fails a check (an id that is not its body's SHA-256, a body that
 * does not parse, ...) rejects with a PersistedCatalogError naming the operation: the server does
 * not start.
 */
export async function loadPersistedCatalog(manifest: string | null | undefined, logger: Logger): Promise<PersistedCatalog> {
  if (manifest === null) return PersistedCatalog.empty;
  let file = manifest;
  if (file === undefined) {
    file = defaultManifestPath();
    if (!existsSync(file)) {
      logger.warn({ manifest: file }, 'no persisted-query manifest: serving without a catalogue of persisted operations');
      return PersistedCatalog.empty;
    }
  }
  const catalog = await PersistedCatalog.load(file);
  logger.info({ manifest: file, operations: catalog.size }, 'persisted operations loaded');
  return catalog;
}
