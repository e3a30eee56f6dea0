import { createExternalStore } from './external-store';

/**
 * The persisted baselines this caller may run, with their documents (GET /ui/catalogue, sent with
 * the headers of GraphiQL's header editor). A tiny external store for React's useSyncExternalStore.
 */
export function createCatalogueStore() {
  const { get, set, subscribe, getSnapshot } = createExternalStore({ status: 'idle', operations: [], error: null });
  return {
    subscribe,
    getSnapshot,
    /** the catalogue operation whose document is exactly `query`, if loaded */
    byDocument(query) {
      const text = typeof query === 'string' ? query.trim() : '';
      return get().operations.find((op) => op.document.trim() === text) ?? null;
    },
    async load(headers) {
      set({ ...get(), status: 'loading', error: null });
      try {
        const response = await fetch('/ui/catalogue', { headers: { accept: 'application/json', ...headers } });
        const body = await response.json();
        if (!response.ok) throw new Error(body?.errors?.[0]?.message ?? `HTTP ${response.status}`);
        set({ status: 'ready', operations: body, error: null });
      } catch (error) {
        set({ status: 'error', operations: [], error: error instanceof Error ? error.message : String(error) });
      }
    },
  };
}
