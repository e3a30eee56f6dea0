import { promises as fs } from 'node:fs';
import path from 'node:path';
import { committedGlueTableFiles } from '../src/engines/glue/table-definitions';

/**
 * Rewrites glue-tables/*.table.json and *.sql from src/engines/glue/table-definitions.ts with the
 * example parameters (run from the repo root). `--check` writes nothing and fails when a committed
 * file differs from what the generator makes.
 */
async function main() {
  const check = process.argv.includes('--check');
  const dir = path.resolve(__dirname, '..', 'glue-tables');
  let stale = 0;
  for (const f of committedGlueTableFiles()) {
    const target = path.join(dir, f.name);
    const current = await fs.readFile(target, 'utf8').catch(() => null);
    if (current === f.content) continue;
    stale++;
    if (check) process.stderr.write(`out of date: glue-tables/${f.name}\n`);
    else {
      await fs.writeFile(target, f.content);
      process.stdout.write(`wrote glue-tables/${f.name}\n`);
    }
  }
  if (check && stale > 0) {
    process.stderr.write('run: npx ts-node --transpile-only scripts/glue-tables.ts\n');
    process.exit(1);
  }
  if (stale === 0) process.stdout.write('glue-tables/ is up to date\n');
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
