import 'reflect-metadata';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { buildTrailgateSchema } from '../src/graphql/build-schema';
import { printTrailgateSchema } from '../src/graphql/print-schema';

/** Writes schema/schema.graphql from the type-graphql classes (run from the repo root). */
async function main() {
  const target = path.resolve('schema', 'schema.graphql');
  await fs.writeFile(target, printTrailgateSchema(await buildTrailgateSchema()));
  process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
