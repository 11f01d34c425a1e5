import { arch, hostname, platform } from 'node:os';
import type { Deployment, SlotStatus } from '../protocol';
import type { AgentState, SettingsView, SlotSummary, SlotView, StateDelta, StorageView } from '../protocol/local-api';
import type { SlotController } from '../slots';
import { connectionView, type ConnectionControl } from './connection-control';
import type { LocalApiAgent } from './local-api-agent';
import type { LocalSlotSources } from './local-slot-sources';
import { redactSpec } from './spec-redaction';

export type ApiKeySource = SettingsView['apiKey'];
export type DeltaListener = (version: number, delta: StateDelta) => void;

export interface StateFeedOptions {
  agent: LocalApiAgent;
  connection: ConnectionControl;
  localSources: LocalSlotSources;
  version: string;
  apiKey: ApiKeySource;
}

/**
 * The agent's state for local-API clients: a snapshot at the current version, and one delta per
 * change with the version after it. Snapshots and deltas are built synchronously from the same
 * sources as the events arrive, so a snapshot at version v plus the deltas after v is always a
 * state the agent had.
 */
export class StateFeed {
  private currentVersion = 0;
  private apiKey: ApiKeySource;
  private storage: StorageView;
  private readonly listeners = new Set<DeltaListener>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly options: StateFeedOptions) {
    this.apiKey = options.apiKey;
    const { events } = options.agent;
    const onStatus = (status: SlotStatus): void => this.publishSlot(status.slotId, status);
    const onDeployment = (deployment: Deployment): void => this.publish({ kind: 'deployment', deployment });
    const onRemoved = ({ slotId }: { slotId: string }): void => this.publish({ kind: 'slot.removed', slotId });
    // Free space moves all the time; the state holds it as of the last change of `low`, so that a
    // snapshot never differs from the deltas before it.
    this.storage = options.agent.storage.current;
    const onStorage = (storage: StorageView): void => {
      this.storage = storage;
      this.publish({ kind: 'storage', storage });
    };
    options.agent.storage.on('change', onStorage);
    events.on('slot.status', onStatus);
    events.on('deployment.update', onDeployment);
    events.on('slot.removed', onRemoved);
    this.unsubscribe.push(
      () => events.off('slot.status', onStatus),
      () => events.off('deployment.update', onDeployment),
      () => events.off('slot.removed', onRemoved),
      () => options.agent.storage.off('change', onStorage),
      options.connection.onChange(() => this.publish({ kind: 'connection', connection: this.connectionView() })),
    );
  }

  get version(): number {
    return this.currentVersion;
  }

  snapshot(): AgentState {
    const { agent } = this.options;
    return {
      version: this.currentVersion,
      host: {
        name: agent.settings.name,
        hostname: hostname(),
        os: platform(),
        arch: arch(),
        version: this.options.version,
        storagePath: agent.storagePath,
      },
      connection: this.connectionView(),
      settings: this.settingsView(),
      slots: agent.slots.list().map((controller) => this.slotView(controller)),
      storage: this.storage,
    };
  }

  slotView(controller: SlotController): SlotView {
    return { ...this.slotSummary(controller), deployments: controller.deployments() };
  }

  settingsView(): SettingsView {
    const { agent } = this.options;
    const { name, serverUrl, sourceRoots } = agent.settings;
    return { name, serverUrl, sourceRoots: [...sourceRoots], storagePath: agent.storagePath, apiKey: this.apiKey };
  }

  onDelta(listener: DeltaListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A slot's spec, source or status changed; status events call this on their own, with the status they carry. */
  publishSlot(slotId: string, status?: SlotStatus): void {
    const controller = this.options.agent.slots.get(slotId);
    if (controller) this.publish({ kind: 'slot', slot: this.slotSummary(controller, status) });
  }

  settingsChanged(apiKey: ApiKeySource = this.apiKey): void {
    this.apiKey = apiKey;
    this.publish({ kind: 'settings', settings: this.settingsView() });
  }

  close(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.listeners.clear();
  }

  private slotSummary(controller: SlotController, status: SlotStatus = controller.statusSnapshot): SlotSummary {
    return {
      id: controller.id,
      origin: controller.origin,
      spec: redactSpec(controller.currentSpec),
      source: controller.origin === 'local' ? this.options.localSources.get(controller.id) : null,
      status,
    };
  }

  private connectionView() {
    return connectionView(this.options.connection.current(), this.options.agent.settings.serverUrl);
  }

  private publish(delta: StateDelta): void {
    this.currentVersion += 1;
    for (const listener of this.listeners) listener(this.currentVersion, delta);
  }
}
