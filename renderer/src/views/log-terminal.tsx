import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef } from 'react';
import { useColorScheme } from '../hooks/use-color-scheme';
import { SEARCH_DECORATIONS, terminalTheme } from '../terminal/terminal-theme';
import { TerminalWriter } from '../terminal/terminal-writer';

export interface TerminalHandle {
  write(text: string): void;
  findNext(term: string): void;
  findPrevious(term: string): void;
  clearSearch(): void;
  scrollToBottom(): void;
}

interface LogTerminalProps {
  label: string;
  /** Called once the terminal is on the page; what it returns is called when it goes away. */
  onReady(handle: TerminalHandle): (() => void) | void;
  onSearchResults?(results: { index: number; count: number }): void;
  /** Whether the newest line is in view: following, or scrolled back by the reader. */
  onFollowingChange?(following: boolean): void;
  /** Output that came faster than it could be drawn was skipped (its size in characters). */
  onSkipped?(chars: number): void;
}

// Lines kept in the view; the whole log is one Download away, and each line costs memory.
const SCROLLBACK_LINES = 20_000;

/** A read-only xterm showing a log with its ANSI colours, sized to its box and searchable. */
export function LogTerminal({ label, onReady, onSearchResults, onFollowingChange, onSkipped }: LogTerminalProps) {
  const box = useRef<HTMLDivElement>(null);
  const terminalRef = useRef<Terminal | null>(null);
  const scheme = useColorScheme();
  const callbacks = useRef({ onReady, onSearchResults, onFollowingChange, onSkipped });
  callbacks.current = { onReady, onSearchResults, onFollowingChange, onSkipped };

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const terminal = new Terminal({
      disableStdin: true,
      // The agent's own messages may hold a bare \n (an error's last lines); a terminal would stair-step them.
      convertEol: true,
      scrollback: SCROLLBACK_LINES,
      fontFamily: 'ui-monospace, "Cascadia Mono", "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace',
      fontSize: 13,
      cursorStyle: 'bar',
      cursorInactiveStyle: 'none',
      allowProposedApi: true,
      theme: terminalTheme(matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'),
    });
    terminalRef.current = terminal;
    const fit = new FitAddon();
    const search = new SearchAddon();
    terminal.loadAddon(fit);
    terminal.loadAddon(search);
    terminal.open(element);
    const refit = (): void => {
      if (element.clientWidth > 0 && element.clientHeight > 0) fit.fit();
    };
    refit();
    const resize = new ResizeObserver(refit);
    resize.observe(element);
    const following = (): boolean => terminal.buffer.active.viewportY >= terminal.buffer.active.baseY;
    let wasFollowing = true;
    const reportFollowing = (): void => {
      const now = following();
      if (now === wasFollowing) return;
      wasFollowing = now;
      callbacks.current.onFollowingChange?.(now);
    };
    const scrolled = terminal.onScroll(reportFollowing);
    const wheel = (): void => void requestAnimationFrame(reportFollowing);
    element.addEventListener('wheel', wheel, { passive: true });
    const results = search.onDidChangeResults(({ resultIndex, resultCount }) =>
      callbacks.current.onSearchResults?.({ index: resultIndex, count: resultCount }),
    );
    const writer = new TerminalWriter(terminal, (chars) => callbacks.current.onSkipped?.(chars));
    const searchOptions = { decorations: SEARCH_DECORATIONS };
    const release = callbacks.current.onReady({
      write: (text) => writer.write(text),
      findNext: (term) => void search.findNext(term, searchOptions),
      findPrevious: (term) => void search.findPrevious(term, searchOptions),
      clearSearch: () => search.clearDecorations(),
      scrollToBottom: () => {
        terminal.scrollToBottom();
        reportFollowing();
      },
    });
    return () => {
      release?.();
      writer.dispose();
      element.removeEventListener('wheel', wheel);
      resize.disconnect();
      scrolled.dispose();
      results.dispose();
      terminal.dispose();
      terminalRef.current = null;
    };
  }, []);

  useEffect(() => {
    if (terminalRef.current) terminalRef.current.options.theme = terminalTheme(scheme);
  }, [scheme]);

  return <div className="log-terminal" ref={box} role="region" aria-label={label} />;
}
