/**
 * Writes schema/persisted/manifest.json from the baseline files next to it, or with `--check`
 * only compares and exits 1 when the committed manifest is out of date.
 *
 *   npx ts-node --transpile-only scripts/persisted-manifest.ts [--check]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BASELINE_DIR, buildManifest, readBaselineFiles, renderManifest } from '../src/persisted/manifest';

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  const target = path.join(BASELINE_DIR, 'manifest.json');
  const manifest = buildManifest(readBaselineFiles(BASELINE_DIR));
  const text = renderManifest(manifest);
  const current = existsSync(target) ? readFileSync(target, 'utf8') : null;
  const rel = path.relative(process.cwd(), target);
  if (check) {
    if (current === text) {
      console.log(`${rel} is up to date (${manifest.operations.length} operations).`);
      return 0;
    }
    console.error(`${rel} is out of date: run npx ts-node --transpile-only scripts/persisted-manifest.ts`);
    return 1;
  }
  if (current !== text) writeFileSync(target, text);
  console.log(`${current === text ? 'unchanged' : 'wrote'} ${rel} (${manifest.operations.length} operations).`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
