import { create } from 'zustand';
import type { LocalApiClient } from '../../../agent-core/protocol/local-api';
import type { AgentState, SlotView } from '../../../agent-core/protocol/local-api';
import type { AgentLink, LinkState } from '../api';

export interface AgentStore {
  /** The agent's state as last received; stale while `live` is false. */
  state: AgentState | null;
  /** True while `state` is the agent's current state: connected and in step with its deltas. */
  live: boolean;
  link: LinkState;
}

/** The one copy of the agent's state in the window, fed by the local API's state subscription only. */
export const useAgentStore = create<AgentStore>()(() => ({
  state: null,
  live: false,
  link: { status: 'connecting', detail: null, retryAt: null },
}));

let boundLink: AgentLink | null = null;

/** Feeds the store from the link's state subscription and connection changes. */
export function bindAgentStore(link: AgentLink): void {
  boundLink = link;
  useAgentStore.setState({ link: link.current });
  link.onChange((state) => useAgentStore.setState({ link: state, live: state.status === 'connected' && link.client.isStateLive }));
  link.client.watchState((state) => useAgentStore.setState({ state, live: true }));
  link.client.on('connection', (up) => {
    if (!up) useAgentStore.setState({ live: false });
  });
}

/** For the store actions only: views never reach the client. */
export function agentClient(): LocalApiClient {
  if (!boundLink) throw new Error('the agent store is not bound to a link yet');
  return boundLink.client;
}

export function retryAgentLink(): void {
  boundLink?.retryNow();
}

export function useSlot(slotId: string): SlotView | null {
  return useAgentStore((store) => store.state?.slots.find((slot) => slot.id === slotId) ?? null);
}
