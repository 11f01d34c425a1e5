import { create } from 'zustand';
import { parseRoute, routeHref, type Route } from '../model/route';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface LogDialogTarget {
  slotId: string;
  /** A given deployment's log, or (null) the slot's last failure. */
  deploymentId: string | null;
  title: string;
}

export interface UiStore {
  route: Route;
  notices: Notice[];
  /** What is running per key (a slot id, a deployment id), so its buttons wait and say so. */
  busy: Record<string, string>;
  setupDismissed: boolean;
  deployDialogSlotId: string | null;
  logDialog: LogDialogTarget | null;
}

const SETUP_DISMISSED_KEY = 'berth.setupDismissed';
let nextNoticeId = 1;

export const useUiStore = create<UiStore>()(() => ({
  route: parseRoute(location.hash),
  notices: [],
  busy: {},
  setupDismissed: readFlag(SETUP_DISMISSED_KEY),
  deployDialogSlotId: null,
  logDialog: null,
}));

/** Follows the URL's hash, which the back and forward buttons change too. */
export function bindUiStore(): void {
  window.addEventListener('hashchange', () => useUiStore.setState({ route: parseRoute(location.hash) }));
}

export const uiActions = {
  navigate(route: Route): void {
    const href = routeHref(route);
    if (location.hash !== href) location.hash = href;
    useUiStore.setState({ route });
  },
  notify(kind: Notice['kind'], text: string): void {
    const notice = { id: nextNoticeId++, kind, text };
    useUiStore.setState((store) => ({ notices: [...store.notices.slice(-4), notice] }));
  },
  dismissNotice(id: number): void {
    useUiStore.setState((store) => ({ notices: store.notices.filter((notice) => notice.id !== id) }));
  },
  /** Runs an action for `key`, saying what it does meanwhile, and tells a failure as a notice. */
  async run<T>(key: string, label: string, work: () => Promise<T>, failure: string): Promise<T | undefined> {
    useUiStore.setState((store) => ({ busy: { ...store.busy, [key]: label } }));
    try {
      return await work();
    } catch (error) {
      uiActions.notify('error', `${failure}: ${(error as Error).message}`);
      return undefined;
    } finally {
      useUiStore.setState((store) => {
        const { [key]: _done, ...rest } = store.busy;
        return { busy: rest };
      });
    }
  },
  dismissSetup(): void {
    writeFlag(SETUP_DISMISSED_KEY);
    useUiStore.setState({ setupDismissed: true });
  },
  openDeployDialog(slotId: string): void {
    useUiStore.setState({ deployDialogSlotId: slotId });
  },
  closeDeployDialog(): void {
    useUiStore.setState({ deployDialogSlotId: null });
  },
  openLogDialog(target: LogDialogTarget): void {
    useUiStore.setState({ logDialog: target });
  },
  closeLogDialog(): void {
    useUiStore.setState({ logDialog: null });
  },
};

function readFlag(key: string): boolean {
  try {
    return localStorage.getItem(key) === 'yes';
  } catch {
    return false;
  }
}

function writeFlag(key: string): void {
  try {
    localStorage.setItem(key, 'yes');
  } catch {
    // Without storage the setup page shows again next time; nothing else depends on it.
  }
}
