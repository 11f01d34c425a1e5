import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AlertMonitor } from './alerts';
import { ControlPlaneClient } from './connection';
import { createSourcePreparer } from './deployments/default-source-preparer';
import { AgentEvents } from './events';
import type { SlotStatus } from './protocol';
import { ApiKeyStore, KeychainSecretStore, SlotSpecVault, type SecretStore } from './secrets';
import { loadSettings, saveSettings, type Settings } from './settings';
import { SlotManager } from './slots';
import { openStore, type Store } from './store';

export interface RuntimeOptions {
  storagePath: string;
  /** Values that win over settings.json for this run (command-line flags, a --config file). */
  overrides?: Partial<Settings>;
  /** Where secrets live; the OS keychain unless a caller hands another store (the Windows service's own). */
  secretStore?: SecretStore;
}

/** The agent: composes the modules. The only thing the desktop app and the CLI construct. */
export class AgentRuntime {
  readonly events = new AgentEvents();
  readonly slots: SlotManager;
  /** The link to the control plane; its `status` is the connection state the window shows. */
  readonly controlPlane: ControlPlaneClient;
  /** Emits `alert` for the window and POSTs each to settings.alertWebhookUrl. */
  readonly alerts: AlertMonitor;
  private settingsValue: Settings;
  private stopped: Promise<void> | null = null;

  private constructor(
    readonly storagePath: string,
    readonly store: Store,
    settings: Settings,
    secretStore: SecretStore,
  ) {
    this.settingsValue = settings;
    const vault = new SlotSpecVault(store.slots, secretStore);
    this.slots = new SlotManager(
      {
        storagePath,
        store,
        events: this.events,
        sources: createSourcePreparer({ storagePath, store, sourceRoots: () => this.settingsValue.sourceRoots }),
        colorPortRange: () => this.settingsValue.colorPortRange,
        publicHost: () => this.settingsValue.publicHost,
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
      apiKey: new ApiKeyStore(secretStore),
    });
    this.alerts = new AlertMonitor({
      events: this.events,
      storagePath,
      hostName: () => this.settingsValue.name,
      webhookUrl: () => this.settingsValue.alertWebhookUrl,
      slotLabel: (slotId) => {
        const spec = this.slots.get(slotId)?.currentSpec;
        return spec ? `${spec.workspace}/${spec.name}` : null;
      },
    });
  }

  static async create(options: RuntimeOptions): Promise<AgentRuntime> {
    mkdirSync(options.storagePath, { recursive: true });
    // Script files hold expanded variables; a crash may have left some behind.
    rmSync(join(options.storagePath, 'tmp', 'scripts'), { recursive: true, force: true });
    const settings = { ...loadSettings(options.storagePath), ...options.overrides };
    const store = openStore(options.storagePath);
    const runtime = new AgentRuntime(options.storagePath, store, settings, options.secretStore ?? new KeychainSecretStore());
    try {
      await runtime.slots.load();
    } catch (error) {
      store.close();
      throw error;
    }
    return runtime;
  }

  get settings(): Settings {
    return this.settingsValue;
  }

  updateSettings(changes: Partial<Settings>): Settings {
    this.settingsValue = { ...this.settingsValue, ...changes };
    saveSettings(this.storagePath, this.settingsValue);
    return this.settingsValue;
  }

  /** Brings back the slots that were running when the agent last stopped or crashed. */
  async start(): Promise<void> {
    this.events.info(`agent '${this.settingsValue.name}' started; storage at ${this.storagePath}`);
    this.alerts.start();
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
        this.controlPlane.stopAccepting();
        await this.slots.shutdown();
        // After the slots: the results of the commands their shutdown cancelled still go out.
        await this.controlPlane.stop();
        this.alerts.stop();
        this.store.close();
      })();
    }
    return this.stopped;
  }
}
