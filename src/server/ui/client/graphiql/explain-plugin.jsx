import { useSyncExternalStore } from 'react';
import { ToolbarButton, useGraphiQL, useGraphiQLActions } from '@graphiql/react';

function ExplainIcon(props) {
  return (
    <svg {...props} viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <path d="M4 5h16M4 10h10M4 15h7" />
      <circle cx="16.5" cy="16.5" r="3.5" />
      <path d="M19 19l2.5 2.5" />
    </svg>
  );
}

/** The editors and operation name, each selected on its own (a selector must not build a new object). */
function useEditors() {
  const queryEditor = useGraphiQL((s) => s.queryEditor);
  const variableEditor = useGraphiQL((s) => s.variableEditor);
  const headerEditor = useGraphiQL((s) => s.headerEditor);
  const operationName = useGraphiQL((s) => s.operationName);
  return { queryEditor, variableEditor, headerEditor, operationName };
}
const PARTITIONS_SHOWN = 50;

function ExplainedQuery({ query, index }) {
  const partitions = query.partitions ?? [];
  return (
    <section className="tg-explained" data-explained-engine={query.engine}>
      <h3>
        Query {index + 1} · {query.engine}
        {query.files !== null && query.files !== undefined ? ` · ${query.files} files` : ''}
      </h3>
      <h4>SQL</h4>
      <pre className="tg-sql">{query.sql}</pre>
      {query.parameters?.length > 0 && (
        <>
          <h4>Parameters</h4>
          <ol className="tg-parameters">
            {query.parameters.map((p, i) => (
              <li key={i}>
                <code>{p.type}</code> {typeof p.value === 'string' ? p.value : JSON.stringify(p.value)}
              </li>
            ))}
          </ol>
        </>
      )}
      <h4>Partitions ({partitions.length})</h4>
      <ul className="tg-partitions">
        {partitions.slice(0, PARTITIONS_SHOWN).map((p) => (
          <li key={p}>
            <code>{p}</code>
          </li>
        ))}
        {partitions.length > PARTITIONS_SHOWN && <li>… and {partitions.length - PARTITIONS_SHOWN} more</li>}
      </ul>
    </section>
  );
}

/** A sidebar panel showing what the current operation would run, and a toolbar button that fills it. */
export function explainPlugin(explain) {
  const plugin = { title: 'Explain', icon: ExplainIcon, content: ExplainPanel };

  function ExplainPanel() {
    const state = useSyncExternalStore(explain.subscribe, explain.getSnapshot);
    const editors = useEditors();
    return (
      <div className="tg-panel">
        <div className="graphiql-doc-explorer-title">Explain</div>
        <p className="tg-hint">The SQL each engine query of the current operation would run, and the partitions it reads. Nothing runs.</p>
        <button type="button" className="graphiql-button tg-explain-run" onClick={() => void explain.run(editors)}>
          Explain current operation
        </button>
        {state.status === 'loading' && <p className="tg-hint">Explaining…</p>}
        {state.errors.map((e, i) => (
          <p key={i} className="tg-error">
            {e.extensions?.code ? `${e.extensions.code}: ` : ''}
            {e.message}
          </p>
        ))}
        {state.status === 'done' && state.queries.length === 0 && state.errors.length === 0 && <p className="tg-hint">No engine query: the operation reads nothing from the lake.</p>}
        {state.queries.map((q, i) => (
          <ExplainedQuery key={i} query={q} index={i} />
        ))}
      </div>
    );
  }

  function ExplainToolbarButton() {
    const editors = useEditors();
    const { setVisiblePlugin } = useGraphiQLActions();
    return (
      <ToolbarButton
        label="Explain: show the SQL and partitions without running"
        className="tg-explain-button"
        onClick={() => {
          setVisiblePlugin(plugin);
          void explain.run(editors);
        }}
      >
        <ExplainIcon className="graphiql-toolbar-icon" />
      </ToolbarButton>
    );
  }

  return { plugin, ExplainToolbarButton };
}
