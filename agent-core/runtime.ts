import { mkdirSync, rmSync, unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import { AlertMonitor } from './alerts';
import { ControlPlaneClient } from './connection';
import { createSourcePreparer } from './deployments/default-source-preparer';
import { AgentEvents } from './events';
import type { SlotStatus } from './protocol';
import { ApiKeyStore, KeychainSecretStore, SlotSpecVault, type SecretStore } from './secrets';
import { adoptAgentUmask } from './runner';
import { loadSettings, saveSettings, secureStorage, settingsPath, type Settings } from './settings';
import { SlotManager } from './slots';
import { lockStorage, openStore, StorageSpace, type StorageLock, type Store } from './store';

export interface RuntimeOptions {
  storagePath: string;
  /** Values that win over settings.json for this run (command-line flags, a --config file). */
  overrides?: Partial<Settings>;
  /** Where secrets live; the OS keychain unless a caller hands another store (the Windows service's own). */
  secretStore?: SecretStore;
  /**
   * Windows: the storage folder's ACL is the service installer's (service mode), so the agent
   * leaves it as it is instead of making it private to the account it runs as.
   */
  storageAclManaged?: boolean;
}

/** The agent: composes the modules. The only thing the desktop app and the CLI construct. */
export class AgentRuntime {
  readonly events = new AgentEvents();
  readonly slots: SlotManager;
  /** The link to the control plane; its `status` is the connection state the window shows. */
  readonly controlPlane: ControlPlaneClient;
  /** Emits `alert` for the window and POSTs each to settings.alertWebhookUrl. */
  readonly alerts: AlertMonitor;
  /** The control plane's API key, in the same secret store as the slots' secrets. */
  readonly apiKeys: ApiKeyStore;
  /** Free space on the storage disk: the floor under which deployments are refused, the reserve for a full disk. */
  readonly storage: StorageSpace;
  private settingsValue: Settings;
  private stopped: Promise<void> | null = null;

  private constructor(
    readonly storagePath: string,
    readonly store: Store,
    private readonly lock: StorageLock,
    private readonly overrides: Partial<Settings>,
    secretStore: SecretStore,
  ) {
    this.settingsValue = { ...loadSettings(storagePath), ...overrides };
    this.apiKeys = new ApiKeyStore(secretStore);
    this.storage = new StorageSpace(storagePath, { floorBytes: () => this.settingsValue.storageFloorBytes });
    const vault = new SlotSpecVault(store.slots, secretStore);
    this.slots = new SlotManager(
      {
        storagePath,
        store,
        events: this.events,
        sources: createSourcePreparer({ storagePath, store, sourceRoots: () => this.settingsValue.sourceRoots }),
        colorPortRange: () => this.settingsValue.colorPortRange,
        publicHost: () => this.settingsValue.publicHost,
        storage: this.storage,
      },
      vault,
      this.events,
    );
    this.controlPlane = new ControlPlaneClient({
      storagePath,
      store,
      events: this.events,
      slots: this.slots,
      settings: () => this.settingsValue,
      apiKey: this.apiKeys,
      onDiskFull: () => this.storage.diskFull(),
    });
    this.alerts = new AlertMonitor({
      events: this.events,
      storagePath,
      storage: this.storage,
      hostName: () => this.settingsValue.name,
      webhookUrl: () => this.settingsValue.alertWebhookUrl,
      slotLabel: (slotId) => {
        const spec = this.slots.get(slotId)?.currentSpec;
        return spec ? `${spec.workspace}/${spec.name}` : null;
      },
    });
  }

  static async create(options: RuntimeOptions): Promise<AgentRuntime> {
    // Everything the agent writes from here on is private to its user; slots keep the umask it started with.
    adoptAgentUmask();
    mkdirSync(options.storagePath, { recursive: true, mode: 0o700 });
    // Before anything else touches the folder: a second agent must leave it as the first one has it.
    const lock = lockStorage(options.storagePath);
    let store: Store | null = null;
    try {
      // Script files hold expanded variables; a crash may have left some behind.
      rmSync(join(options.storagePath, 'tmp', 'scripts'), { recursive: true, force: true });
      const storageWarning = secureStorage(options.storagePath, { windowsAcl: options.storageAclManaged !== true });
      loadSettings(options.storagePath);
      store = openStore(options.storagePath);
      const runtime = new AgentRuntime(options.storagePath, store, lock, { ...options.overrides }, options.secretStore ?? new KeychainSecretStore());
      if (storageWarning !== null) runtime.events.warn(storageWarning);
      await runtime.slots.load();
      return runtime;
    } catch (error) {
      store?.close();
      lock.release();
      throw error;
    }
  }

  get settings(): Settings {
    return this.settingsValue;
  }

  /**
   * Saves `changes` over what settings.json holds now (another process, such as `berth-agent
   * login`, may have written it since), without writing this run's command-line overrides.
   */
  updateSettings(changes: Partial<Settings>): Settings {
    saveSettings(this.storagePath, { ...loadSettings(this.storagePath), ...changes });
    for (const key of Object.keys(changes) as (keyof Settings)[]) delete this.overrides[key];
    this.reloadSettings();
    return this.settingsValue;
  }

  /** Picks up settings.json as it is now; a new server address reconnects. */
  private reloadSettings(): void {
    let next: Settings;
    try {
      next = { ...loadSettings(this.storagePath), ...this.overrides };
    } catch (error) {
      this.events.warn(`settings.json was not applied: ${(error as Error).message}`);
      return;
    }
    const previous = this.settingsValue;
    this.settingsValue = next;
    if (previous.serverUrl !== next.serverUrl || previous.allowInsecureWs !== next.allowInsecureWs || previous.extraCaFile !== next.extraCaFile) {
      void this.controlPlane.reconnect();
    }
  }

  /** Brings back the slots that were running when the agent last stopped or crashed. */
  async start(): Promise<void> {
    this.events.info(`agent '${this.settingsValue.name}' started; storage at ${this.storagePath}`);
    this.storage.start();
    this.alerts.start();
    watchFile(settingsPath(this.storagePath), { interval: 2_000, persistent: false }, () => this.reloadSettings());
    await this.controlPlane.start();
    await this.slots.restore();
  }

  statuses(): SlotStatus[] {
    return this.slots.statuses();
  }

  /** Stops every slot with its shutdown commands (keeping their desired state) and closes the database. */
  stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = (async () => {
        unwatchFile(settingsPath(this.storagePath));
        this.controlPlane.stopAccepting();
        await this.slots.shutdown();
        // After the slots: the results of the commands their shutdown cancelled still go out.
        await this.controlPlane.stop();
        this.alerts.stop();
        this.storage.stop();
        this.store.close();
        this.lock.release();
      })();
    }
    return this.stopped;
  }
}
