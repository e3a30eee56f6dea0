import { useEffect, useState, useSyncExternalStore } from 'react';
import { useGraphiQL } from '@graphiql/react';
import { defaultRange, defaultVariables } from './default-variables';
import { editorJson } from './trailgate-fetcher';

function BaselinesIcon() {
  return (
    <svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <path d="M12 3l8 3v6c0 4.5-3.4 8-8 9-4.6-1-8-4.5-8-9V6z" />
      <path d="M8.5 12l2.5 2.5 4.5-5" />
    </svg>
  );
}

const firstLine = (text) => (text ?? '').split('\n').find((line) => line.trim() !== '') ?? '';

/** The persisted baselines as examples: pick one to load it, with its default variables, into the editor. */
export function baselinesPlugin(catalogue, lake) {
  function BaselinesPanel() {
    const state = useSyncExternalStore(catalogue.subscribe, catalogue.getSnapshot);
    const headerEditor = useGraphiQL((s) => s.headerEditor);
    const queryEditor = useGraphiQL((s) => s.queryEditor);
    const variableEditor = useGraphiQL((s) => s.variableEditor);
    const [filter, setFilter] = useState('');
    useEffect(() => {
      if (state.status === 'idle' && headerEditor) void catalogue.load(editorJson(headerEditor));
    }, [state.status, headerEditor]);

    const open = async (operation) => {
      const lastDay = await lake.lastDay(editorJson(headerEditor));
      queryEditor?.setValue(operation.document);
      variableEditor?.setValue(JSON.stringify(defaultVariables(operation, defaultRange(lastDay)), null, 2));
    };
    const needle = filter.trim().toLowerCase();
    const shown = state.operations.filter((op) => !needle || op.name.toLowerCase().includes(needle) || (op.description ?? '').toLowerCase().includes(needle));
    return (
      <div className="tg-panel">
        <div className="graphiql-doc-explorer-title">Baselines</div>
        <p className="tg-hint">
          The persisted security questions. Pick one to load it with its default variables. Credentials go in the Headers tab,
          as <code>{'{"authorization": "Bearer …"}'}</code>.
        </p>
        <div className="tg-row">
          <input className="tg-filter" type="search" placeholder="Filter" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter baselines" />
          <button type="button" className="graphiql-button" onClick={() => void catalogue.load(editorJson(headerEditor))}>
            Reload
          </button>
        </div>
        {state.status === 'loading' && <p className="tg-hint">Loading…</p>}
        {state.status === 'error' && <p className="tg-error">Could not load the catalogue: {state.error}</p>}
        <ul className="tg-baseline-list">
          {shown.map((op) => (
            <li key={op.id}>
              <button type="button" className="tg-baseline" data-baseline={op.name} onClick={() => void open(op)} title={op.description ?? op.name}>
                <strong>{op.name}</strong>
                <span>{firstLine(op.description).replace(/^[A-Za-z]+:\s*/, '')}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
    );
  }
  return { title: 'Baselines', icon: BaselinesIcon, content: BaselinesPanel };
}
