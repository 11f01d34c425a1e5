import type { MessagePortLike } from '../../../agent-core/protocol/local-api';

/** What the desktop app's preload puts on `window.berth`; in a plain browser there is none. */
export interface DesktopBridge {
  platform: string;
  /** The local API's MessagePort, when the preload already holds it. */
  port?: MessagePortLike;
  /** Starting Berth when the user logs in (the login item is the desktop app's business). */
  loginItem?: {
    get(): Promise<boolean>;
    set(enabled: boolean): Promise<void>;
  };
}

/** The message the preload posts to the page with the local API's port attached, when it hands the port over that way. */
export const PORT_MESSAGE = 'berth:local-api-port';

export function desktopBridge(): DesktopBridge | null {
  return (window as Window & { berth?: DesktopBridge }).berth ?? null;
}
