// The search box of Ctrl/Cmd+K: full-text search of every conversation (search.query), results
// grouped by conversation with the match highlighted. A combobox over a listbox: arrows move through
// the hits, Enter or a click opens the conversation scrolled to the entry (or task) and closes.
import { Fragment, useEffect, useId, useRef, useState } from 'react';
import type { SearchGroup, SearchHit } from '../../../electron/api/types';
import { errorMessage } from '../../api/host-call-error';
import { useServices } from '../../app-context';
import { formatTime } from '../../components/format';
import { navigate, paths } from '../shell/router';
import { hitLabel, snippetParts } from './search-text';
import './search.css';

/** Wait for a pause in typing before asking the host. */
const DEBOUNCE_MS = 150;
/** What search.query accepts. */
const MAX_QUERY = 500;

type Results =
  | { state: 'idle' }
  | { state: 'searching'; query: string; groups: SearchGroup[] }
  | { state: 'done'; query: string; groups: SearchGroup[] }
  | { state: 'failed'; query: string; message: string };

export function SearchDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const [query, setQuery] = useState('');
  const results = useSearch(query, open);
  const groups = results.state === 'idle' || results.state === 'failed' ? [] : results.groups;
  const hits = groups.flatMap((group) => group.hits.map((hit) => ({ group, hit })));
  const [active, setActive] = useState(0);
  const activeIndex = Math.min(active, hits.length - 1);
  const optionId = (index: number) => `${listId}-${index}`;

  useEffect(() => setActive(0), [results]);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      input.current?.select();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);
  useEffect(() => {
    if (activeIndex >= 0) document.getElementById(optionId(activeIndex))?.scrollIntoView({ block: 'nearest' });
  });

  const openHit = (group: SearchGroup, hit: SearchHit) => {
    onClose();
    const focus = hit.entryId ? { kind: 'entry' as const, id: hit.entryId } : hit.taskId ? { kind: 'task' as const, id: hit.taskId } : undefined;
    navigate(paths.sessionLink(group.sessionId, focus));
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (hits.length === 0) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((activeIndex + (event.key === 'ArrowDown' ? 1 : -1) + hits.length) % hits.length);
    } else if (event.key === 'Enter' && activeIndex >= 0) {
      event.preventDefault();
      openHit(hits[activeIndex].group, hits[activeIndex].hit);
    }
  };

  let index = -1;
  return (
    <dialog
      ref={ref}
      className="dialog search-dialog"
      aria-label="Search conversations"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        // A click on the backdrop (the dialog element itself, outside its box) closes it.
        if (event.target === ref.current) onClose();
      }}
    >
      <input
        ref={input}
        className="search-dialog-input"
        type="text"
        role="combobox"
        aria-label="Search all conversations"
        aria-expanded={hits.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={activeIndex >= 0 ? optionId(activeIndex) : undefined}
        placeholder="Search messages, tool calls, reasoning, tasks…"
        autoComplete="off"
        spellCheck={false}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <p className="search-dialog-status muted small" role="status">
        {statusText(results, hits.length)}
      </p>
      <div className="search-dialog-results" id={listId} role="listbox" aria-label="Search results">
        {groups.map((group) => (
          <div key={group.sessionId} role="group" aria-label={groupLabel(group)} className="search-group">
            <div className="search-group-head" aria-hidden="true">
              <span className="search-group-title">{group.title || 'Untitled conversation'}</span>
              <span className="muted small">
                {group.agentKey} · {group.workspaceName}
              </span>
            </div>
            {group.hits.map((hit) => {
              const at = ++index;
              return (
                <div
                  key={hit.id}
                  id={optionId(at)}
                  role="option"
                  aria-selected={at === activeIndex}
                  className="search-hit"
                  onMouseMove={() => at !== activeIndex && setActive(at)}
                  onClick={() => openHit(group, hit)}
                >
                  <span className="search-hit-kind">{hitLabel(hit.kind)}</span>
                  <span className="search-hit-snippet">
                    {snippetParts(hit.snippet, hit.marks).map((part, i) => (
                      <Fragment key={i}>{part.match ? <mark>{part.text}</mark> : part.text}</Fragment>
                    ))}
                  </span>
                  <time className="search-hit-time muted small" dateTime={new Date(hit.at).toISOString()}>
                    {formatTime(hit.at)}
                  </time>
                </div>
              );
            })}
          </div>
        ))}
      </div>
      <p className="search-dialog-help muted small" aria-hidden="true">
        ↑ ↓ to move · Enter to open · Esc to close
      </p>
    </dialog>
  );
}

function groupLabel(group: SearchGroup): string {
  return `${group.title || 'Untitled conversation'} (${group.agentKey} in ${group.workspaceName})`;
}

function statusText(results: Results, count: number): string {
  switch (results.state) {
    case 'idle':
      return 'Type to search every conversation.';
    case 'failed':
      return `Search failed: ${results.message}`;
    case 'searching':
      return count > 0 ? `${count} results` : 'Searching…';
    case 'done':
      return count > 0 ? `${count} ${count === 1 ? 'result' : 'results'}` : `Nothing found for “${results.query}”.`;
  }
}

/** Asks the host after each pause in typing; a late answer to an older query is dropped. */
function useSearch(query: string, open: boolean): Results {
  const { client } = useServices();
  const [results, setResults] = useState<Results>({ state: 'idle' });
  useEffect(() => {
    const text = query.trim().slice(0, MAX_QUERY);
    if (!open || !text) {
      setResults({ state: 'idle' });
      return;
    }
    let current = true;
    setResults((previous) => ({ state: 'searching', query: text, groups: previous.state === 'done' || previous.state === 'searching' ? previous.groups : [] }));
    const timer = setTimeout(() => {
      client.call('search.query', { query: text }).then(
        (groups) => current && setResults({ state: 'done', query: text, groups }),
        (err: unknown) => current && setResults({ state: 'failed', query: text, message: errorMessage(err) }),
      );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, query, open]);
  return results;
}
