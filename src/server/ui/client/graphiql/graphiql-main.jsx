import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import '../shared/nav.css';
import './graphiql-page.css';
import { createCatalogueStore } from './catalogue-store';
import { baselinesPlugin } from './baselines-plugin';
import { createExplainStore } from './explain-store';
import { explainPlugin } from './explain-plugin';
import { createLakeCoverage } from './lake-coverage';
import { installMonacoWorkers } from './monaco-workers';
import { createTrailgateFetcher } from './trailgate-fetcher';

const DEFAULT_QUERY = `# trailgate: GraphQL over CloudTrail logs.
# Credentials (when the gateway asks): Headers tab, {"authorization": "Bearer <key or token>"}.
# Baselines (sidebar): the persisted security questions, ready to load.
# Explain (toolbar): the SQL and partitions a query would read, without running it.
query Lake {
  lake {
    engine
    firstDay
    lastDay
    accounts
    regions
  }
}
`;

const root = document.getElementById('graphiql');
installMonacoWorkers(root.dataset);
const catalogue = createCatalogueStore();
const fetcher = createTrailgateFetcher(catalogue);
const explain = createExplainStore(fetcher);
const { plugin: explainPanel, ExplainToolbarButton } = explainPlugin(explain);

createRoot(root).render(
  <GraphiQL
    fetcher={fetcher}
    plugins={[baselinesPlugin(catalogue, createLakeCoverage(fetcher)), explainPanel]}
    defaultQuery={DEFAULT_QUERY}
    defaultHeaders={'{}'}
    defaultEditorToolsVisibility="headers"
    shouldPersistHeaders={false}
  >
    <GraphiQL.Logo>trailgate</GraphiQL.Logo>
    <GraphiQL.Toolbar>
      {({ prettify, copy, merge }) => (
        <>
          {prettify}
          {merge}
          {copy}
          <ExplainToolbarButton />
        </>
      )}
    </GraphiQL.Toolbar>
  </GraphiQL>,
);
