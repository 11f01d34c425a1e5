import { useCallback, useState } from 'react';
import { routeHref } from '../model/route';
import { agentActions } from '../stores/agent-actions';
import { HISTORY_BYTES } from '../stores/logs-store';
import { uiActions, useUiStore, type LogDialogTarget } from '../stores/ui-store';
import { Dialog } from './dialog';
import { LogTerminal, type TerminalHandle } from './log-terminal';

/** A finished deployment's log, typically the last failure's, over the page it was opened from. */
export function LogDialog() {
  const target = useUiStore((store) => store.logDialog);
  if (!target) return null;
  return <LogDialogContent key={`${target.slotId}/${target.deploymentId}`} target={target} />;
}

function LogDialogContent({ target }: { target: LogDialogTarget }) {
  const [shown, setShown] = useState<{ deploymentId: string; truncated: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const onReady = useCallback(
    (terminal: TerminalHandle) => {
      let open = true;
      agentActions
        .readLog({
          slot: target.slotId,
          which: target.deploymentId === null ? 'failure' : 'latest',
          deploymentId: target.deploymentId ?? undefined,
          tailBytes: HISTORY_BYTES,
        })
        .then(
          (log) => {
            if (!open) return;
            setShown({ deploymentId: log.deploymentId, truncated: log.truncated });
            terminal.write(log.text);
          },
          (failure: Error) => open && setError(failure.message),
        );
      return () => {
        open = false;
      };
    },
    [target],
  );
  const close = (): void => uiActions.closeLogDialog();
  return (
    <Dialog
      title={target.title}
      onClose={close}
      wide
      actions={
        <>
          {shown ? (
            <a className="button" href={routeHref({ view: 'logs', slotId: target.slotId, deploymentId: shown.deploymentId })} onClick={close}>
              Open in the log viewer
            </a>
          ) : null}
          <button type="button" className="primary" onClick={close}>
            Close
          </button>
        </>
      }
    >
      <p className="log-status" role="status">
        {error
          ? `The log cannot be shown: ${error}`
          : shown
            ? `Deployment ${shown.deploymentId}${shown.truncated ? ' · the end of the log (the log viewer can download all of it)' : ''}`
            : 'Loading the log…'}
      </p>
      <LogTerminal label={target.title} onReady={onReady} />
    </Dialog>
  );
}
