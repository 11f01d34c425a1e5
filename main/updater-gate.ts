import type { AgentState } from '../agent-core/protocol/local-api';
import { systemClock, type Clock } from './clock';
import type { UpdateStatus, UpdateView } from './desktop-view';

export const UPDATE_CHECK_INTERVAL_MS = 6 * 60 * 60_000;

/** What Berth uses of electron-updater's autoUpdater. */
export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(): void;
  on(event: 'checking-for-update' | 'update-not-available', listener: () => void): unknown;
  on(event: 'update-available' | 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

const IN_FLIGHT = new Set(['queued', 'preparing', 'building', 'starting']);

/** A deployment is in flight while any slot deploys or any deployment has not reached an end state. */
export function deploymentInFlight(state: AgentState | null): boolean {
  if (state === null) return false;
  return state.slots.some((slot) => slot.status.status === 'deploying' || slot.deployments.some((deployment) => IN_FLIGHT.has(deployment.status)));
}

/**
 * Updates from the repository's GitHub releases: checked at start and every 6 hours, downloaded in
 * the background, installed when Berth quits. A restart to install now is refused while a
 * deployment is in flight, so an update never cuts one short.
 */
export class UpdateGate {
  private status: UpdateStatus;
  private version: string | null = null;
  private timer: unknown = null;
  private readonly listeners = new Set<(view: UpdateView) => void>();

  constructor(
    private readonly updater: Updater,
    private readonly options: { enabled: boolean; inFlight(): boolean; log(message: string): void; clock?: Clock },
  ) {
    this.status = options.enabled ? 'idle' : 'disabled';
    updater.autoDownload = true;
    updater.autoInstallOnAppQuit = true;
    updater.on('checking-for-update', () => this.set('checking'));
    updater.on('update-not-available', () => this.set('up-to-date'));
    updater.on('update-available', (info) => this.set('downloading', info.version));
    updater.on('update-downloaded', (info) => this.set('ready', info.version));
    updater.on('error', (error) => {
      options.log(`update check failed: ${error.message}`);
      this.set(this.status === 'ready' ? 'ready' : 'error');
    });
  }

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  get view(): UpdateView {
    return { status: this.status, version: this.version, canRestart: this.status === 'ready' && !this.options.inFlight() };
  }

  onChange(listener: (view: UpdateView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Checks now and then every UPDATE_CHECK_INTERVAL_MS. */
  start(): void {
    if (this.status === 'disabled') return;
    this.checkNow();
    const schedule = (): void => {
      this.timer = this.clock.setTimeout(() => {
        this.checkNow();
        schedule();
      }, UPDATE_CHECK_INTERVAL_MS);
    };
    schedule();
  }

  checkNow(): void {
    if (this.status === 'disabled' || this.status === 'checking' || this.status === 'downloading' || this.status === 'ready') return;
    this.updater.checkForUpdates().catch((error: unknown) => this.options.log(`update check failed: ${(error as Error).message}`));
  }

  /** Quits and installs now; false (nothing happens) while a deployment is in flight or nothing is downloaded. */
  restartToInstall(): boolean {
    if (!this.view.canRestart) return false;
    this.updater.quitAndInstall();
    return true;
  }

  dispose(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private set(status: UpdateStatus, version?: string): void {
    this.status = status;
    if (version !== undefined) this.version = version;
    const view = this.view;
    for (const listener of this.listeners) listener(view);
  }
}
