/**
 * GraphiQL's fetcher: a JSON POST to this origin's /graphql with the header editor's headers.
 * A document that is exactly a catalogue baseline goes by its documentId, so a persisted-only
 * caller (a partner) can run the baselines from GraphiQL too.
 */
export function createTrailgateFetcher(catalogue) {
  return async (params, options = {}) => {
    const persisted = catalogue.byDocument(params.query);
    const body = persisted
      ? { documentId: `sha256:${persisted.id}`, operationName: params.operationName ?? persisted.name, variables: params.variables, extensions: params.extensions }
      : params;
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...options.headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 500)}` }] };
    }
  };
}

/** The JSON of an editor (headers, variables), or {} when it is empty or not JSON yet. */
export function editorJson(editor) {
  const text = editor?.getValue()?.trim();
  if (!text) return {};
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}
