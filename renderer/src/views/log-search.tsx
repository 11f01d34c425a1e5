import { useState } from 'react';
import type { TerminalHandle } from './log-terminal';

/** Finds text in the log shown, highlighting every match. */
interface LogSearchProps {
  terminal: TerminalHandle | null;
  results: { index: number; count: number } | null;
  onCleared(): void;
}

export function LogSearch({ terminal, results, onCleared }: LogSearchProps) {
  const [term, setTerm] = useState('');
  const next = (): void => {
    if (term !== '') terminal?.findNext(term);
  };
  const previous = (): void => {
    if (term !== '') terminal?.findPrevious(term);
  };
  return (
    <form
      className="log-search"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        next();
      }}
    >
      <input
        type="search"
        aria-label="Search the log"
        placeholder="Search the log"
        value={term}
        onChange={(event) => {
          setTerm(event.target.value);
          if (event.target.value !== '') return;
          terminal?.clearSearch();
          onCleared();
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && event.shiftKey) {
            event.preventDefault();
            previous();
          }
        }}
      />
      <button type="button" onClick={previous} disabled={term === ''} aria-label="Previous match">
        ↑
      </button>
      <button type="submit" disabled={term === ''} aria-label="Next match">
        ↓
      </button>
      {term !== '' && results ? (
        <span className="search-results" role="status">
          {results.count === 0 ? 'No match' : results.index < 0 ? `${results.count}+ matches` : `${results.index + 1} of ${results.count}`}
        </span>
      ) : null}
    </form>
  );
}
