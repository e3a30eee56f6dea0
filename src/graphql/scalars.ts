import { DateTimeResolver, JSONResolver } from 'graphql-scalars';

/** RFC 3339 instants with Z or an offset in, UTC with Z out (graphql-scalars' DateTime). */
export const DateTimeScalar = DateTimeResolver;
/** Free-form JSON (requestParameters and friends). */
export const JSONScalar = JSONResolver;
