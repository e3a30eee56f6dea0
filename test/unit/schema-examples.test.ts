import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, validate } from 'graphql';
import { buildTrailgateSchema } from '../../src/graphql/build-schema';

const dir = path.resolve(__dirname, '../../schema/examples');
const files = readdirSync(dir).filter((f) => f.endsWith('.graphql'));

describe('schema/examples', () => {
  it('has examples', () => expect(files.length).toBeGreaterThan(0));

  it.each(files)('%s validates against the schema', async (file) => {
    const errors = validate(await buildTrailgateSchema(), parse(readFileSync(path.join(dir, file), 'utf8')));
    expect(errors.map((e) => e.message)).toEqual([]);
  });
});
