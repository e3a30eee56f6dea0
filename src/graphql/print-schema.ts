import { printSchema, type GraphQLSchema } from 'graphql';

/** The SDL committed as schema/schema.graphql, in declaration order (deterministic from the code). */
export function printTrailgateSchema(schema: GraphQLSchema): string {
  return `# Emitted from the code by \`npm run schema\`; do not edit by hand.\n\n${printSchema(schema)}\n`;
}
