import { useAgentStore } from '../stores/agent-store';

/** The storage disk is full or under its floor: new deployments are refused until there is room. */
export function StorageBanner() {
  const message = useAgentStore((store) => (store.state?.storage.low ? store.state.storage.message : null));
  if (message === null) return null;
  return (
    <div className="banner banner-danger" role="alert">
      <p>Disk space: {message}</p>
    </div>
  );
}
