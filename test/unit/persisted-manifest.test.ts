import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type TypeNode,
  type VariableDefinitionNode,
} from 'graphql';
import { buildTrailgateSchema } from '../../src/graphql/build-schema';
import { BASELINE_DIR, buildManifest, readBaselineFiles, renderManifest, sha256Hex, type PersistedQueryManifest } from '../../src/persisted/manifest';

/**
 * The baseline catalogue (schema/persisted) and its Apollo persisted-query manifest: the manifest
 * is current, ids are SHA-256 of the bodies, and every baseline is a documented, valid, named query.
 */
const files = readBaselineFiles();
const committedText = readFileSync(path.join(BASELINE_DIR, 'manifest.json'), 'utf8');
const committed = JSON.parse(committedText) as PersistedQueryManifest;
/** Root fields a baseline may use (resources and role chains are not in the schema yet). */
const ROOT_FIELDS = new Set(['events', 'eventStats', 'identities', 'lake']);
/** Required variables a caller must always pass; everything else is optional or has a default. */
const REQUIRED = new Set(['range', 'recentStart']);
/** Variables that narrow a baseline when given and mean "everything" when absent. */
const OPTIONAL_WITHOUT_DEFAULT = new Set(['accounts', 'accessKeyIds', 'roleArns', 'after']);

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildTrailgateSchema();
});

const typeText = (t: TypeNode): string =>
  t.kind === Kind.NON_NULL_TYPE ? `${typeText(t.type)}!` : t.kind === Kind.LIST_TYPE ? `[${typeText(t.type)}]` : t.name.value;
const operationOf = (doc: DocumentNode): OperationDefinitionNode => doc.definitions[0] as OperationDefinitionNode;
const variables = (op: OperationDefinitionNode): Map<string, VariableDefinitionNode> =>
  new Map((op.variableDefinitions ?? []).map((v) => [v.variable.name.value, v]));
/** The leading `#` lines of a file, without the `#`. */
const leadingComment = (body: string): string[] => {
  const lines = body.split('\n');
  const end = lines.findIndex((l) => !l.startsWith('#'));
  return lines.slice(0, end < 0 ? lines.length : end).map((l) => l.replace(/^#\s?/, ''));
};
/** Every argument name used on root fields, per root field. */
const rootFields = (op: OperationDefinitionNode) =>
  op.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [{ name: s.name.value, args: new Set((s.arguments ?? []).map((a) => a.name.value)) }] : []));

describe('the persisted-query manifest', () => {
  it('is what the script builds from the baseline files (no drift)', () => {
    expect(committedText).toBe(renderManifest(buildManifest(files)));
  });

  it('passes the script’s own --check', () => {
    const repo = path.resolve(__dirname, '../..');
    const r = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', 'scripts/persisted-manifest.ts', '--check'], { cwd: repo, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 30_000);

  it('uses the Apollo format, one query operation per baseline file, sorted by name', () => {
    expect(committed.format).toBe('apollo-persisted-query-manifest');
    expect(committed.version).toBe(1);
    expect(committed.operations.map((o) => o.name)).toEqual(files.map((f) => f.name));
    expect([...committed.operations.map((o) => o.name)].sort()).toEqual(committed.operations.map((o) => o.name));
    for (const o of committed.operations) expect(o.type).toBe('query');
  });

  it('gives every operation the SHA-256 of exactly its body, the file as committed', () => {
    for (const o of committed.operations) {
      expect(o.id).toMatch(/^[0-9a-f]{64}$/);
      expect(o.id).toBe(sha256Hex(o.body));
      expect(o.body).toBe(readFileSync(path.join(BASELINE_DIR, `${o.name}.graphql`), 'utf8'));
    }
    expect(new Set(committed.operations.map((o) => o.id)).size).toBe(committed.operations.length);
  });

  it('hashes the UTF-8 text as sha256sum would', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('é')).toBe('4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c');
  });

  it('builds deterministically whatever the input order, and refuses two baselines with one name', () => {
    const a = { name: 'B', body: 'query B { lake { engine } }\n' };
    const b = { name: 'A', body: 'query A { lake { engine } }\n' };
    expect(buildManifest([a, b])).toEqual(buildManifest([b, a]));
    expect(buildManifest([a, b]).operations.map((o) => o.name)).toEqual(['A', 'B']);
    expect(() => buildManifest([a, { ...a }])).toThrow(/named B/);
  });
});

describe('the baseline catalogue', () => {
  it('holds at least 30 baselines', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  it.each(files.map((f) => [f.name, f.body] as const))('%s is one named query, valid against the schema', (name, body) => {
    const doc = parse(body);
    expect(doc.definitions).toHaveLength(1);
    const op = operationOf(doc);
    expect(op.kind).toBe(Kind.OPERATION_DEFINITION);
    expect(op.operation).toBe('query');
    expect(op.name?.value).toBe(name);
    expect(validate(schema, doc).map((e) => e.message)).toEqual([]);
  });

  it.each(files.map((f) => [f.name, f.body] as const))('%s starts with a description comment naming its source', (_name, body) => {
    const comment = leadingComment(body);
    expect(comment.length).toBeGreaterThanOrEqual(4);
    expect(comment.join(' ')).toMatch(/Source:/);
    expect(comment.join(' ')).toMatch(/hit/i);
  });

  it.each(files.map((f) => [f.name, f.body] as const))('%s takes $range: TimeRange!, and defaults for everything else', (_name, body) => {
    const op = operationOf(parse(body));
    const vars = variables(op);
    expect(vars.get('range') && typeText(vars.get('range')!.type)).toBe('TimeRange!');
    if (vars.has('accounts')) expect(typeText(vars.get('accounts')!.type)).toBe('[String!]');
    for (const [n, v] of vars) {
      if (REQUIRED.has(n)) continue;
      expect(`$${n} ${v.type.kind}`).not.toBe(`$${n} ${Kind.NON_NULL_TYPE}`);
      // thresholds, allow-lists and sizes carry a default; only narrowing filters and cursors may be absent
      if (!OPTIONAL_WITHOUT_DEFAULT.has(n)) expect(`$${n} default ${v.defaultValue ? 'set' : 'missing'}`).toBe(`$${n} default set`);
    }
  });

  it.each(files.map((f) => [f.name, f.body] as const))('%s uses only events, eventStats, identities and lake', (_name, body) => {
    for (const f of rootFields(operationOf(parse(body)))) expect(ROOT_FIELDS).toContain(f.name);
  });

  it('scopes by $accounts wherever a filter is used', () => {
    for (const f of files) {
      const op = operationOf(parse(f.body));
      if (rootFields(op).some((r) => r.args.has('filter'))) expect(variables(op).has('accounts')).toBe(true);
    }
  });

  it('has first-seen baselines (firstSeenAfter: $recentStart) and spike baselines (interval + minCount)', () => {
    const byName = new Map(files.map((f) => [f.name, operationOf(parse(f.body))]));
    for (const name of ['NewSourceIpForPrincipal', 'NewApiForPrincipal', 'NewRegionForPrincipal']) {
      const op = byName.get(name);
      expect(op).toBeDefined();
      expect(typeText(variables(op!).get('recentStart')!.type)).toBe('DateTime!');
      const stats = rootFields(op!).filter((r) => r.name === 'eventStats');
      expect(stats.length).toBeGreaterThan(0);
      for (const s of stats) expect(s.args.has('firstSeenAfter')).toBe(true);
    }
    for (const name of ['AccessDeniedSpikes', 'ApiCallSpike', 'ErrorSpike']) {
      const op = byName.get(name);
      expect(op).toBeDefined();
      for (const s of rootFields(op!)) expect([...s.args].filter((a) => a === 'interval' || a === 'minCount').sort()).toEqual(['interval', 'minCount']);
    }
  });
});
