import type { ApolloServerPlugin } from '@apollo/server';
import type { ParseOptions, ValidationRule } from 'graphql';
import { armorProtection, DOCUMENT_LIMITS, type DocumentLimits } from './armor';
import { complexityPlugin, MAX_COMPLEXITY } from './complexity-plugin';
import { limitRefusalPlugin } from './refusal-plugin';

/** What the Apollo server takes to enforce the GraphQL limits. */
export interface GraphQLLimits {
  readonly parseOptions: ParseOptions;
  readonly validationRules: ValidationRule[];
  readonly plugins: ApolloServerPlugin<any>[];
}

/**
 * Every limit on an operation, each refused as QUERY_TOO_COMPLEX with HTTP 400 before anything
 * runs: tokens while parsing, depth, aliases, directives and static cost while validating
 * (armor.ts), and the price of the pages asked for once the variables are known
 * (complexity-plugin.ts).
 */
export function graphqlLimits(document: DocumentLimits = DOCUMENT_LIMITS, maxComplexity = MAX_COMPLEXITY): GraphQLLimits {
  const armor = armorProtection(document);
  return {
    parseOptions: { maxTokens: armor.maxTokens },
    validationRules: armor.validationRules,
    plugins: [...armor.plugins, limitRefusalPlugin(), complexityPlugin(maxComplexity)],
  };
}
