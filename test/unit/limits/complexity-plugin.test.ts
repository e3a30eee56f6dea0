import { parse } from 'graphql';
import { buildTrailgateSchema } from '../../../src/graphql/build-schema';
import { operationComplexity } from '../../../src/server/limits/complexity-plugin';

/**
 * The variable-aware price of an operation (complexity-plugin.ts), against hand counts: an Event
 * row is 10 + its 44 engine columns (src/query/event-columns.ts), an Identity row 10 + 9, a
 * counted value 10 + 3, a stats row 10 + 7; every field 1.
 */
const RANGE = '{ from: "2018-11-28T00:00:00Z", to: "2018-11-29T00:00:00Z" }';
const FILTER = `filter: { range: ${RANGE} }`;

describe('operationComplexity', () => {
  let schema: Awaited<ReturnType<typeof buildTrailgateSchema>>;
  beforeAll(async () => {
    schema = await buildTrailgateSchema();
  });
  const price = (q: string, variables?: Record<string, unknown>) => operationComplexity({ schema, document: parse(q), variables });

  it('prices pages by the rows the engine produces and the fields asked of them', () => {
    const events = `query($n: Int) { events(first: $n, ${FILTER}) { nodes { eventId } } }`;
    expect(price(events, { n: 10 })).toBe(1 + 10 * (54 + (1 + 1)));
    expect(price(events, {})).toBe(1 + 50 * (54 + 2)); // null: the resolvers' default, 50
    expect(price(`{ events(${FILTER}) { nodes { eventId } } }`)).toBe(1 + 50 * (54 + 2));
    expect(price(`{ events(first: 1000, ${FILTER}) { pageInfo { hasNextPage } } }`)).toBe(1 + 1000 * (54 + (1 + 1))); // rows are fetched whatever is selected
    expect(price(`{ eventStats(first: 3, groupBy: [], ${FILTER}) { totalEvents rows { count } } }`)).toBe(1 + 3 * (17 + 1 + (1 + 1)));
    expect(price(events, { n: 'ten' })).toBeNull(); // execution refuses the variable
  });

  it('prices a nested list per parent row, without an engine query per row', () => {
    const q = `{ identities(first: 2, ${FILTER}) { nodes { arn events(first: 3) { nodes { eventId } } } } }`;
    const nestedEvents = 1 + 3 * (54 + (1 + 1));
    expect(price(q)).toBe(1 + 2 * (19 + (1 + 1 + nestedEvents)));
  });

  it('prices assumedBy at its default size at most: asking more costs the engine nothing more', () => {
    const q = (n: number) => `{ identity(arn: "x", range: ${RANGE}) { assumedBy(first: ${n}) { value count } } }`;
    expect(price(q(3))).toBe(1 + (19 + (1 + 3 * (13 + 2))));
    expect(price(q(1000))).toBe(1 + (19 + (1 + 10 * (13 + 2))));
  });

  it('prices every list that takes a page size as one', () => {
    const unpriced: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || !('getFields' in type) || !('getInterfaces' in type)) continue;
      for (const field of Object.values(type.getFields())) {
        if (!('args' in field) || !field.args.some((a) => a.name === 'first')) continue;
        const parent = type.name === 'Query' ? '{ %s }' : type.name === 'Identity' ? `{ identity(arn: "x", range: ${RANGE}) { %s } }` : `{ resource(arn: "x", range: ${RANGE}) { %s } }`;
        const leaf = field.name === 'eventStats' ? `eventStats(first: 7, groupBy: [], ${FILTER}) { totalEvents }` : `${field.name}(first: 7${type.name === 'Query' ? `, ${FILTER}` : ''}) { __typename }`;
        const small = price(parent.replace('%s', leaf))!;
        const large = price(parent.replace('%s', leaf.replace('first: 7', 'first: 700')))!;
        if (!(large > small * 10)) unpriced.push(`${type.name}.${field.name}`);
      }
    }
    expect(unpriced).toEqual(['Identity.assumedBy']);
  });

  it('counts a document too large to walk (fragments spread over and over) as over any limit', () => {
    let fragments = 'fragment F0 on Event { eventId }';
    for (let i = 1; i <= 20; i++) fragments += ` fragment F${i} on Event { ...F${i - 1} ... on Event { ...F${i - 1} } }`;
    expect(price(`{ events(first: 1, ${FILTER}) { nodes { ...F20 } } } ${fragments}`)).toBe(Number.POSITIVE_INFINITY);
  });

  it('leaves out what @skip and @include leave out', () => {
    const q = `query($on: Boolean!) { events(first: 2, ${FILTER}) { nodes { eventId eventName @include(if: $on) } } }`;
    expect(price(q, { on: true })).toBe(1 + 2 * (54 + (1 + 2)));
    expect(price(q, { on: false })).toBe(1 + 2 * (54 + (1 + 1)));
  });
});
