import { Notification } from 'electron';
import type { Deployment } from '../agent-core/protocol';
import type { NavigationTarget } from '../agent-core/protocol/desktop';
import type { AgentState, SlotView } from '../agent-core/protocol/local-api';
import type { AgentCrash } from './agent-host';

export interface DesktopNotice {
  kind: 'deployment-ready' | 'deployment-failed' | 'slot-crashed' | 'api-key-rejected' | 'agent-restarting' | 'keeps-running' | 'action-failed';
  title: string;
  body: string;
  /** Where a click takes the window. */
  target: NavigationTarget;
}

function label(slot: SlotView): string {
  return `${slot.spec.workspace}/${slot.spec.name}`;
}

function describeSource(deployment: Deployment): string {
  const { source } = deployment;
  switch (source.kind) {
    case 'git':
      return source.commit ? `${source.branch} (${source.commit.slice(0, 7)})` : source.branch;
    case 'directory':
      return source.path;
    case 'snapshot':
      return source.contentHash.slice(0, 19);
  }
}

function firstLine(text: string | null | undefined, fallback: string): string {
  return (text ?? '').split('\n').find((line) => line.trim() !== '')?.trim() ?? fallback;
}

/**
 * What changed between two states of the agent that a person should hear about. Pure: the first
 * state seen (previous null) announces nothing, so a restart does not replay old news.
 */
export function noticesBetween(previous: AgentState | null, next: AgentState): DesktopNotice[] {
  if (previous === null) return [];
  const notices: DesktopNotice[] = [];
  const before = new Map(previous.slots.map((slot) => [slot.id, slot]));
  for (const slot of next.slots) {
    const old = before.get(slot.id);
    const oldDeployments = new Map((old?.deployments ?? []).map((deployment) => [deployment.id, deployment]));
    const target: NavigationTarget = { page: 'slot', slotId: slot.id };
    for (const deployment of slot.deployments) {
      const was = oldDeployments.get(deployment.id)?.status;
      if (was === deployment.status) continue;
      if (deployment.status === 'ready' && was !== 'stopped') {
        const where = deployment.isProduction ? 'is live' : `runs as a preview on port ${deployment.port ?? '?'}`;
        notices.push({ kind: 'deployment-ready', title: `${label(slot)} deployed`, body: `${describeSource(deployment)} ${where}`, target });
      } else if (deployment.status === 'failed') {
        notices.push({
          kind: 'deployment-failed',
          title: deployment.errorCode === 'GUARD_TRIPPED' ? `${label(slot)}: swapped back to the previous version` : `${label(slot)}: deployment failed`,
          body: firstLine(deployment.error, 'the deployment failed; its log says why'),
          target: { ...target, tab: 'logs' },
        });
      }
    }
    const crashed = old?.status.status === 'running' && slot.status.status === 'error';
    if (crashed) {
      notices.push({
        kind: 'slot-crashed',
        title: `${label(slot)} stopped unexpectedly`,
        body: firstLine(slot.status.error, 'its service exited'),
        target: { ...target, tab: 'logs' },
      });
    }
  }
  if (next.connection.status === 'key-rejected' && previous.connection.status !== 'key-rejected') {
    notices.push({
      kind: 'api-key-rejected',
      title: 'API key rejected',
      body: 'The control plane refused this host’s API key. Enter a new one in Settings.',
      target: { page: 'settings' },
    });
  }
  return notices;
}

/**
 * The agent process died and restarts: the user hears of the first death of a series, then of every
 * tenth, so an agent that cannot start does not raise a notification a minute.
 */
export function crashNotice(crash: AgentCrash): DesktopNotice | null {
  if (crash.crashes !== 1 && crash.crashes % 10 !== 0) return null;
  const seconds = Math.round(crash.restartInMs / 1000);
  const again = crash.crashes === 1 ? '' : ` (${crash.crashes} times in a row)`;
  return {
    kind: 'agent-restarting',
    title: `The Berth agent stopped${again}`,
    body: `${crash.reason ? crash.reason.replace(/\.?$/, '.') : `It exited with code ${crash.exitCode}.`} Restarting in ${seconds} s; its log is in the logs folder.`,
    target: { page: 'slots' },
  };
}

/** Shows notices as OS notifications; a click brings the window to the notice's page. */
export class Notifier {
  // Kept referenced until closed: a garbage-collected Notification loses its click handler.
  private readonly shown = new Set<Notification>();

  constructor(private readonly onClick: (target: NavigationTarget) => void) {}

  show(notice: DesktopNotice): void {
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title: notice.title, body: notice.body });
    this.shown.add(notification);
    notification.on('click', () => this.onClick(notice.target));
    notification.on('close', () => this.shown.delete(notification));
    notification.show();
  }
}
