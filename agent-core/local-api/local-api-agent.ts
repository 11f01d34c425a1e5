import type { AgentEvents } from '../events';
import type { ApiKey } from '../secrets';
import type { Settings } from '../settings';
import type { SlotManager } from '../slots';
import type { StorageSpace } from '../store';

/** What the local API uses of the agent; AgentRuntime is one. */
export interface LocalApiAgent {
  readonly storagePath: string;
  readonly events: AgentEvents;
  readonly slots: SlotManager;
  readonly settings: Settings;
  /** The storage disk's free space, for the notice the window and the tray show when it runs out. */
  readonly storage: Pick<StorageSpace, 'current' | 'on' | 'off'>;
  updateSettings(changes: Partial<Settings>): Settings;
}

/** The control plane's API key in the keychain: the ApiKeyStore of agent-core/secrets. */
export interface ApiKeyAccess {
  read(): Promise<ApiKey | null>;
  save(raw: string): Promise<void>;
  remove(): Promise<boolean>;
}
