import type { ConnectionView } from './views';

/** A Relay connection from a page fetched with one extra row (the extra row means "more follow"). */
export function toConnection<T>(items: readonly T[], first: number, cursorOf: (item: T) => string): ConnectionView<T> {
  const nodes = items.slice(0, first);
  const edges = nodes.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    nodes,
    pageInfo: { hasNextPage: items.length > first, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
  };
}
