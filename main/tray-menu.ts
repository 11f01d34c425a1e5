import type { MenuItemConstructorOptions } from 'electron';
import { describeGuard, describeWarm } from '../agent-core/protocol';
import type { SlotView } from '../agent-core/protocol/local-api';
import type { DesktopView } from './desktop-view';

export type SlotAction = 'start' | 'stop' | 'restart';

/** What the tray's items do; main wires each to the local API, the window or the app. */
export interface TrayActions {
  slot(slotId: string, action: SlotAction): void;
  openUrl(url: string): void;
  showLogs(slotId: string): void;
  openWindow(): void;
  retryConnection(): void;
  setStartAtLogin(enabled: boolean): void;
  checkForUpdates(): void;
  restartToUpdate(): void;
  openLogsFolder(): void;
  quit(): void;
}

const STATUS_WORDS: Record<SlotView['status']['status'], string> = {
  available: 'stopped',
  deploying: 'deploying',
  running: 'running',
  stopping: 'stopping',
  error: 'error',
};

/** `qa-1 — running · blue warm, 4 min left`: the warm color in minutes, since the menu is redrawn only every few seconds. */
export function slotLabel(slot: SlotView, now: number): string {
  const warm = describeWarm(slot.status.warm, now, true);
  return `${slot.spec.name} — ${STATUS_WORDS[slot.status.status]}${warm ? ` · ${warm}` : ''}`;
}

function slotItem(slot: SlotView, actions: TrayActions, live: boolean, now: number): MenuItemConstructorOptions {
  const { status } = slot.status;
  const url = slot.status.url ?? slot.spec.url ?? null;
  const busy = status === 'deploying' || status === 'stopping';
  const guard = describeGuard(slot.status.guard, now);
  return {
    label: slotLabel(slot, now),
    sublabel: slot.spec.workspace,
    submenu: [
      ...(guard ? [{ label: `Guard ${guard}`, enabled: false }, { type: 'separator' as const }] : []),
      { label: 'Start', enabled: live && (status === 'available' || status === 'error'), click: () => actions.slot(slot.id, 'start') },
      { label: 'Stop', enabled: live && (status === 'running' || status === 'error' || status === 'deploying'), click: () => actions.slot(slot.id, 'stop') },
      { label: 'Restart', enabled: live && status === 'running', click: () => actions.slot(slot.id, 'restart') },
      { type: 'separator' },
      { label: 'Open URL', enabled: url !== null && status === 'running' && !busy, click: () => url && actions.openUrl(url) },
      { label: 'Show logs', click: () => actions.showLogs(slot.id) },
    ],
  };
}

function connectionItems(view: DesktopView, actions: TrayActions): MenuItemConstructorOptions[] {
  if (view.agent === 'waiting') return [{ label: 'Agent stopped unexpectedly — restarting…', enabled: false }];
  if (view.agent !== 'ready' || view.state === null) return [{ label: 'Agent starting…', enabled: false }];
  if (!view.live) return [{ label: 'Reconnecting to the agent…', enabled: false }];
  const { connection } = view.state;
  const where = { service: 'Agent: Windows service', attached: 'Agent: another process (berth-agent run)', embedded: 'Agent: in this app' }[view.mode];
  const label: Record<typeof connection.status, string> = {
    online: 'Control plane: online',
    disabled: 'Control plane: not set up',
    connecting: 'Control plane: connecting…',
    offline: 'Control plane: offline',
    'key-rejected': 'Control plane: API key rejected',
    replaced: 'Control plane: another agent took over',
    'protocol-unsupported': 'Control plane: server version not supported',
  };
  const canRetry = connection.status !== 'online' && connection.status !== 'disabled' && connection.status !== 'connecting';
  return [
    { label: where, enabled: false },
    { label: label[connection.status], enabled: false },
    { label: 'Retry now', enabled: canRetry, click: () => actions.retryConnection() },
    ...(view.state.storage.low ? [{ label: 'Disk full: new deployments are refused', enabled: false }] : []),
  ];
}

function updateItem(view: DesktopView, actions: TrayActions): MenuItemConstructorOptions {
  const { update } = view;
  const version = update.version ? ` ${update.version}` : '';
  switch (update.status) {
    case 'ready':
      return update.canRestart
        ? { label: `Restart to install update${version}`, click: () => actions.restartToUpdate() }
        : { label: `Update${version} installs after the deployment`, enabled: false };
    case 'checking':
      return { label: 'Checking for updates…', enabled: false };
    case 'downloading':
      return { label: `Downloading update${version}…`, enabled: false };
    case 'disabled':
      return { label: 'Check for updates', enabled: false };
    default:
      return { label: 'Check for updates', click: () => actions.checkForUpdates() };
  }
}

/** The tray's menu for one state of the host at `now`: a pure function, so each state's menu is tested as data. */
export function trayMenuTemplate(view: DesktopView, actions: TrayActions, now = Date.now()): MenuItemConstructorOptions[] {
  const slots = view.state?.slots ?? [];
  const live = view.agent === 'ready' && view.live;
  const slotItems: MenuItemConstructorOptions[] = slots.length > 0 ? slots.map((slot) => slotItem(slot, actions, live, now)) : [{ label: 'No slots yet', enabled: false }];
  return [
    { label: 'Open Berth', click: () => actions.openWindow() },
    { type: 'separator' },
    ...slotItems,
    { type: 'separator' },
    ...connectionItems(view, actions),
    { type: 'separator' },
    {
      label: 'Start at login',
      type: 'checkbox',
      checked: view.startAtLogin === true,
      enabled: view.startAtLogin !== null,
      click: (item) => actions.setStartAtLogin(item.checked),
    },
    updateItem(view, actions),
    { label: 'Open logs folder', click: () => actions.openLogsFolder() },
    { type: 'separator' },
    { label: 'Quit Berth', click: () => actions.quit() },
  ];
}
