import { useCallback, useState } from 'react';
import { formatBytes } from '../model/format';
import { routeHref } from '../model/route';
import { versionLabel } from '../model/slot-facts';
import { agentActions } from '../stores/agent-actions';
import { useSlot } from '../stores/agent-store';
import { logsActions, useLogsStore } from '../stores/logs-store';
import { uiActions } from '../stores/ui-store';
import { EmptyState, SlotNotFound } from './empty-state';
import { LogSearch } from './log-search';
import { LogTerminal, type TerminalHandle } from './log-terminal';

/** A deployment's log, live: its recent history, then its output as it is written. */
export function LogsPage({ slotId, deploymentId }: { slotId: string; deploymentId: string | null }) {
  const slot = useSlot(slotId);
  const [terminal, setTerminal] = useState<TerminalHandle | null>(null);
  const [following, setFollowing] = useState(true);
  const [results, setResults] = useState<{ index: number; count: number } | null>(null);
  const logs = useLogsStore();
  const shown = deploymentId ?? slot?.deployments[0]?.id ?? null;

  const onReady = useCallback(
    (handle: TerminalHandle) => {
      setTerminal(handle);
      setFollowing(true);
      const stop = shown ? logsActions.follow(slotId, shown, handle) : () => undefined;
      return () => {
        stop();
        setTerminal(null);
      };
    },
    [slotId, shown],
  );

  if (!slot) {
    return <SlotNotFound />;
  }
  const name = slot.spec.name;
  const download = (): void => {
    if (!shown) return;
    void uiActions.run(
      `log:${shown}`,
      'Downloading',
      async () => saveText(`${name}-${shown}.log`, stripAnsi((await agentActions.readLog({ slot: slotId, deploymentId: shown })).text)),
      'Could not download the log',
    );
  };

  return (
    <section className="page page-logs" aria-labelledby="logs-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <a href={routeHref({ view: 'slots' })}>Slots</a> <span aria-hidden="true">/</span>{' '}
        <a href={routeHref({ view: 'slot', slotId })}>{name}</a>
      </nav>
      <div className="page-title">
        <h1 id="logs-title">Logs of {name}</h1>
      </div>
      {shown === null ? (
        <EmptyState title="No log yet">
          <p>Each deployment writes a log. Deploy the slot and its output appears here as it runs.</p>
          <button type="button" className="primary" onClick={() => uiActions.openDeployDialog(slotId)}>
            Deploy…
          </button>
        </EmptyState>
      ) : (
        <>
          <div className="toolbar log-toolbar">
            <label className="inline-field">
              <span>Deployment</span>
              <select
                value={deploymentId ?? ''}
                onChange={(event) => uiActions.navigate({ view: 'logs', slotId, deploymentId: event.target.value || null })}
              >
                <option value="">Newest ({slot.deployments[0]?.id})</option>
                {slot.deployments.map((deployment) => (
                  <option key={deployment.id} value={deployment.id}>
                    {deployment.id} · {deployment.status} · {versionLabel(deployment)}
                  </option>
                ))}
              </select>
            </label>
            <div className="button-row">
              <button type="button" aria-pressed={logs.paused} onClick={() => logsActions.setPaused(!logs.paused)}>
                {logs.paused ? 'Resume' : 'Pause'}
              </button>
              <button type="button" aria-pressed={following && !logs.paused} disabled={!terminal} onClick={() => terminal?.scrollToBottom()}>
                Follow
              </button>
              <button type="button" onClick={download}>
                Download
              </button>
            </div>
            <LogSearch terminal={terminal} results={results} onCleared={() => setResults(null)} />
          </div>
          <p className="log-status" role="status">
            {describe(logs)}
          </p>
          <LogTerminal
            key={`${slotId}/${shown}`}
            label={`Log of ${name}, deployment ${shown}`}
            onReady={onReady}
            onFollowingChange={setFollowing}
            onSearchResults={setResults}
            onSkipped={logsActions.noteSkipped}
          />
        </>
      )}
    </section>
  );
}

function describe(logs: ReturnType<typeof useLogsStore.getState>): string {
  if (logs.phase === 'error') return `The log cannot be shown: ${logs.error}`;
  if (logs.phase === 'loading' || logs.phase === 'idle') return 'Loading the log…';
  const parts = [logs.paused ? `Paused (${formatBytes(logs.heldBytes)} waiting)` : 'Live', `${formatBytes(logs.shownBytes)} received`];
  if (logs.historyTruncated) parts.push(`earlier output left out (Download has the whole log)`);
  if (logs.gaps > 0) parts.push(`${logs.gaps} gap${logs.gaps === 1 ? '' : 's'} (${formatBytes(logs.gapBytes)} not shown)`);
  if (logs.skippedChars > 0) parts.push(`about ${formatBytes(logs.skippedChars)} skipped to keep up`);
  return parts.join(' · ');
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

function saveText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
