/**
 * A tiny external store for React's useSyncExternalStore: the current state, a setter that
 * notifies every subscriber, and the subscribe/getSnapshot pair React reads.
 */
export function createExternalStore(initial) {
  let state = initial;
  const listeners = new Set();
  return {
    get: () => state,
    set(next) {
      state = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => state,
  };
}
