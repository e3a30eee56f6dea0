import { createHash } from 'node:crypto';
import { getVariableValues, Kind, parse, type GraphQLSchema, type VariableDefinitionNode } from 'graphql';
import stringify from 'safe-stable-stringify';
import { mayRunOperation, scopeKey, type Principal } from '../domain/principal';
import type { CatalogOperation } from '../persisted/persisted-catalog';

/**
 * What a principal's answers depend on: its scope (`scopeKey`: id and accounts), and its other
 * settings, so a config reload that tightens a limit never serves an answer computed under the
 * old one. Its rate limit changes no answer and is left out.
 */
function principalPart(principal: Principal): string {
  const { id: _id, accounts: _accounts, rateLimit: _rateLimit, ...settings } = principal;
  return `${scopeKey(principal)}.${createHash('sha256').update(stringify(settings)).digest('base64url').slice(0, 16)}`;
}

/**
 * Response cache keys: the principal, the catalogue operation and its variables as the operation
 * receives them. Variables are coerced as GraphQL execution coerces them (defaults filled in,
 * DateTimes parsed, list and input types applied) and written with sorted keys, so the same
 * question asked in another parameter order, or with a default spelled out, is the same entry.
 */
export class ResponseCacheKeys {
  /** principals are frozen objects an authenticator hands out again and again */
  private readonly principals = new WeakMap<Principal, string>();
  private readonly definitions = new Map<string, readonly VariableDefinitionNode[]>();

  constructor(private readonly schema: GraphQLSchema) {}

  /**
   * The key, or undefined when there is none to read or fill: an operation outside the principal's
   * catalogue (it gets its refusal), or variables GraphQL would refuse (the client gets the error).
   */
  keyOf(principal: Principal, op: CatalogOperation, variables: Record<string, unknown>): string | undefined {
    if (!mayRunOperation(principal, op.name)) return undefined;
    const coerced = getVariableValues(this.schema, this.definitionsOf(op), variables, { maxErrors: 1 });
    if (coerced.errors) return undefined;
    return `${this.principalOf(principal)}\n${op.id}\n${stringify(coerced.coerced)}`;
  }

  private principalOf(principal: Principal): string {
    let part = this.principals.get(principal);
    if (part === undefined) {
      part = principalPart(principal);
      this.principals.set(principal, part);
    }
    return part;
  }

  private definitionsOf(op: CatalogOperation): readonly VariableDefinitionNode[] {
    let defs = this.definitions.get(op.id);
    if (!defs) {
      // The catalogue checked that each body parses and holds exactly one operation.
      const definition = parse(op.body).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
      defs = definition?.kind === Kind.OPERATION_DEFINITION ? (definition.variableDefinitions ?? []) : [];
      this.definitions.set(op.id, defs);
    }
    return defs;
  }
}
