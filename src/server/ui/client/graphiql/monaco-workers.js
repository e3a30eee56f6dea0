/**
 * Monaco runs its language services in web workers. graphiql 5 leaves starting them to the page
 * (its own setups load them from a CDN or through a bundler's worker import): ours are bundles
 * served by the gateway, named in the page's data attributes.
 */
export function installMonacoWorkers({ editorWorker, jsonWorker, graphqlWorker }) {
  globalThis.MonacoEnvironment = {
    getWorker(_workerId, label) {
      switch (label) {
        case 'json':
          return new Worker(jsonWorker);
        case 'graphql':
          return new Worker(graphqlWorker);
        default:
          return new Worker(editorWorker);
      }
    },
  };
}
