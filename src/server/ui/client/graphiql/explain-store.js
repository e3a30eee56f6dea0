import { createExternalStore } from './external-store';
import { editorJson } from './trailgate-fetcher';

/**
 * Explain: the current operation re-sent with `extensions: { explain: true }`. Nothing runs on the
 * server; `extensions.trailgate.explain` lists each engine query (SQL, parameters, partitions).
 */
export function createExplainStore(fetcher) {
  const { set, subscribe, getSnapshot } = createExternalStore({ status: 'idle', queries: [], errors: [] });
  return {
    subscribe,
    getSnapshot,
    /** `editors`: GraphiQL's state (query, variable and header editors, operation name) */
    async run({ queryEditor, variableEditor, headerEditor, operationName }) {
      const query = queryEditor?.getValue() ?? '';
      if (!query.trim()) return set({ status: 'done', queries: [], errors: [{ message: 'The editor is empty.' }] });
      set({ status: 'loading', queries: [], errors: [] });
      // GraphiQL updates the operation name a moment after an edit: a stale one is left out.
      const named = operationName && new RegExp(`\\b(query|mutation|subscription)\\s+${operationName}\\b`).test(query) ? operationName : undefined;
      try {
        const answer = await fetcher(
          { query, operationName: named, variables: editorJson(variableEditor), extensions: { explain: true } },
          { headers: editorJson(headerEditor) },
        );
        set({ status: 'done', queries: answer?.extensions?.trailgate?.explain ?? [], errors: answer?.errors ?? [] });
      } catch (error) {
        set({ status: 'done', queries: [], errors: [{ message: error instanceof Error ? error.message : String(error) }] });
      }
    },
  };
}
