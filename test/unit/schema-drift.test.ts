import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GraphQLObjectType, GraphQLSchema } from 'graphql';
import { buildTrailgateSchema } from '../../src/graphql/build-schema';
import { printTrailgateSchema } from '../../src/graphql/print-schema';

/** Argument name -> printed type (with default) of a field, independent of declaration order. */
function argsOf(schema: GraphQLSchema, type: string, field: string): Record<string, string> {
  const f = (schema.getType(type) as GraphQLObjectType).getFields()[field];
  if (!f) throw new Error(`${type}.${field} is missing`);
  return Object.fromEntries(f.args.map((a) => [a.name, `${String(a.type)}${a.defaultValue !== undefined ? ` = ${String(a.defaultValue)}` : ''}`]));
}

describe('schema/schema.graphql', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildTrailgateSchema();
  });

  it('is what the code emits (run `npm run schema` after changing the GraphQL layer)', () => {
    const committed = readFileSync(path.resolve(__dirname, '../../schema/schema.graphql'), 'utf8');
    expect(printTrailgateSchema(schema)).toBe(committed);
  });

  // API.md: names may be added freely, never renamed or removed.
  it('keeps the query signatures of API.md', () => {
    expect(argsOf(schema, 'Query', 'events')).toEqual({ filter: 'EventFilter!', first: 'Int = 50', after: 'String', order: 'EventOrder = NEWEST_FIRST' });
    expect(argsOf(schema, 'Query', 'event')).toEqual({ eventId: 'String!', range: 'TimeRange!' });
    expect(argsOf(schema, 'Query', 'eventStats')).toMatchObject({
      filter: 'EventFilter!',
      groupBy: '[GroupKey!]!',
      interval: 'TimeBucket',
      first: 'Int = 100',
      order: 'StatsOrder = COUNT_DESC',
    });
    expect(argsOf(schema, 'Query', 'identities')).toEqual({ filter: 'EventFilter!', first: 'Int = 50', after: 'String' });
    expect(argsOf(schema, 'Query', 'identity')).toEqual({ arn: 'String!', range: 'TimeRange!' });
    expect(argsOf(schema, 'Identity', 'events')).toEqual({ first: 'Int = 50', after: 'String' });
    expect(String((schema.getType('Query') as GraphQLObjectType).getFields().lake.type)).toBe('Lake!');
  });

  it('keeps every EventFilter field of API.md', () => {
    const fields = Object.keys((schema.getType('EventFilter') as unknown as GraphQLObjectType).getFields()).sort();
    expect(fields).toEqual(
      expect.arrayContaining([
        'range', 'accounts', 'regions', 'eventSources', 'eventNames', 'excludeEventNames', 'identityTypes', 'principalArns',
        'roleArns', 'userNames', 'accessKeyIds', 'sourceIps', 'userAgentContains', 'errorCodes', 'hasError', 'readOnly',
        'categories', 'crossAccount', 'resourceArns', 'eventIds', 'requestParameters', 'responseElements', 'additionalEventData',
      ]),
    );
  });
});
