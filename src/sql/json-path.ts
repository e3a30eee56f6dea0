/** '$.a.b' from key segments. Segments are [A-Za-z0-9_]+ (checked by the input layer and again here). */
export function jsonPath(path: readonly string[]): string {
  if (path.length === 0 || !path.every((s) => /^[A-Za-z0-9_]+$/.test(s))) throw new Error('bad JSON path');
  return `$.${path.join('.')}`;
}
