import { readFile } from 'node:fs/promises';
import { Kind, parse, print, valueFromASTUntyped, type DocumentNode, type OperationDefinitionNode, type TypeNode } from 'graphql';
import { MANIFEST_FORMAT, MANIFEST_VERSION, sha256Hex, type PersistedQueryManifest } from './manifest';

/*
 * The served catalogue of persisted operations, read from the manifest ./manifest.ts writes
 * (Apollo's persisted-query manifest format). An id is the SHA-256 (lower-case hex) of the body's
 * UTF-8 text: the same hash the APQ protocol and the GraphQL-over-HTTP "sha256:" document
 * identifier use, so one index serves all three ways of calling an operation.
 */

export interface OperationVariable {
  readonly name: string;
  /** as written, e.g. "[String!]" or "TimeRange!" */
  readonly type: string;
  /** the default as a JSON value, null when there is none */
  readonly defaultValue: unknown;
  /** the innermost named type ("String" for "[String!]") and whether the value is a list */
  readonly namedType: string;
  readonly list: boolean;
}

export interface CatalogOperation {
  readonly id: string;
  readonly name: string;
  readonly body: string;
  /** the leading `#` comment block of the body, null when there is none */
  readonly description: string | null;
  readonly variables: readonly OperationVariable[];
}

/** A manifest the gateway refuses to serve; the message names the operation at fault. */
export class PersistedCatalogError extends Error {
  override readonly name = 'PersistedCatalogError';
}

function describeType(type: TypeNode): { namedType: string; list: boolean } {
  if (type.kind === Kind.NAMED_TYPE) return { namedType: type.name.value, list: false };
  if (type.kind === Kind.NON_NULL_TYPE) return describeType(type.type);
  return { namedType: describeType(type.type).namedType, list: true };
}

function leadingComment(body: string): string | null {
  const lines: string[] = [];
  for (const line of body.split(/\r?\n/)) {
    const m = /^\s*#\s?(.*)$/.exec(line);
    if (!m) break;
    lines.push(m[1].trimEnd());
  }
  const text = lines.join('\n').trim();
  return text === '' ? null : text;
}

function theOperation(document: DocumentNode, label: string): OperationDefinitionNode {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (ops.length !== 1) throw new PersistedCatalogError(`persisted operation ${label} must hold exactly one operation (it holds ${ops.length})`);
  return ops[0];
}

type ManifestEntry = { readonly [K in keyof PersistedQueryManifest['operations'][number]]: unknown };

function toOperation(entry: ManifestEntry, index: number): CatalogOperation {
  const label = typeof entry?.name === 'string' ? `"${entry.name}"` : `#${index}`;
  if (typeof entry?.id !== 'string' || typeof entry.name !== 'string' || typeof entry.body !== 'string') {
    throw new PersistedCatalogError(`persisted operation ${label} needs string id, name and body`);
  }
  if (entry.type !== 'query') throw new PersistedCatalogError(`persisted operation ${label} is a ${entry.type}; the catalogue holds queries only`);
  const actual = sha256Hex(entry.body);
  if (entry.id !== actual) {
    throw new PersistedCatalogError(`persisted operation ${label}: id ${entry.id} is not the SHA-256 of its body (${actual}); regenerate the manifest`);
  }
  let document: DocumentNode;
  try {
    document = parse(entry.body);
  } catch (err) {
    throw new PersistedCatalogError(`persisted operation ${label} does not parse: ${(err as Error).message}`);
  }
  const op = theOperation(document, label);
  if (op.operation !== 'query' || op.name?.value !== entry.name) {
    throw new PersistedCatalogError(`persisted operation ${label} must be a query named ${entry.name} (found ${op.operation} ${op.name?.value ?? '(anonymous)'})`);
  }
  const variables = (op.variableDefinitions ?? []).map((v) => ({
    name: v.variable.name.value,
    type: print(v.type),
    defaultValue: v.defaultValue ? valueFromASTUntyped(v.defaultValue) : null,
    ...describeType(v.type),
  }));
  return Object.freeze({ id: entry.id, name: entry.name, body: entry.body, description: leadingComment(entry.body), variables: Object.freeze(variables) });
}

/** The catalogue indexed by id and by name. Built only from a manifest that passed every check. */
export class PersistedCatalog {
  private readonly ids = new Map<string, CatalogOperation>();
  private readonly names = new Map<string, CatalogOperation>();

  private constructor(operations: readonly CatalogOperation[]) {
    for (const op of operations) {
      if (this.ids.has(op.id)) throw new PersistedCatalogError(`persisted operation "${op.name}" repeats the body of "${this.ids.get(op.id)!.name}"`);
      if (this.names.has(op.name)) throw new PersistedCatalogError(`persisted operation "${op.name}" appears twice`);
      this.ids.set(op.id, op);
      this.names.set(op.name, op);
    }
  }

  static readonly empty = new PersistedCatalog([]);

  static fromManifest(manifest: unknown): PersistedCatalog {
    const m = manifest as { format?: unknown; version?: unknown; operations?: unknown } | null;
    if (m?.format !== MANIFEST_FORMAT || m.version !== MANIFEST_VERSION || !Array.isArray(m.operations)) {
      throw new PersistedCatalogError('not an Apollo persisted-query manifest (format "apollo-persisted-query-manifest", version 1, operations[])');
    }
    return new PersistedCatalog(m.operations.map(toOperation));
  }

  /** Reads and checks a manifest file; any fault is a PersistedCatalogError naming the file. */
  static async load(file: string): Promise<PersistedCatalog> {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new PersistedCatalogError(`cannot read the persisted-query manifest ${file}: ${(err as Error).message}`);
    }
    try {
      return PersistedCatalog.fromManifest(json);
    } catch (err) {
      throw new PersistedCatalogError(`${file}: ${(err as Error).message}`);
    }
  }

  get size(): number {
    return this.ids.size;
  }

  byId(id: string): CatalogOperation | undefined {
    return this.ids.get(id);
  }

  byName(name: string): CatalogOperation | undefined {
    return this.names.get(name);
  }

  /** The catalogue of a query text: set when the text is byte-for-byte a catalogue body. */
  byBody(body: string): CatalogOperation | undefined {
    return this.ids.get(sha256Hex(body));
  }

  list(): CatalogOperation[] {
    return [...this.names.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
