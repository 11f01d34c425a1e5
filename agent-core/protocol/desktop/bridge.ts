import { z } from 'zod';
import { AgentMode } from './agent-process';
import { ServiceState } from './service-state';

/** Where a click on a notification or a tray item takes the window. */
export const NavigationTarget = z.discriminatedUnion('page', [
  z.object({ page: z.literal('slots') }),
  z.object({ page: z.literal('slot'), slotId: z.string().min(1), tab: z.enum(['overview', 'logs']).optional() }),
  z.object({ page: z.literal('settings') }),
]);
export type NavigationTarget = z.infer<typeof NavigationTarget>;

export const DesktopInfo = z.object({
  version: z.string(),
  mode: AgentMode,
  /** The Windows service's state; `not-installed` elsewhere. */
  service: ServiceState,
  /** Only on Windows can the agent run as a service. */
  serviceAvailable: z.boolean(),
  logsPath: z.string(),
});
export type DesktopInfo = z.infer<typeof DesktopInfo>;

/**
 * Every call the window makes to main, with its arguments and result: the preload's wrappers and
 * main's handlers are both typed from this one map, and main validates the arguments it receives.
 */
export const DesktopCalls = {
  'desktop.info': { args: z.tuple([]), result: DesktopInfo },
  /** Opens an http(s) URL of a slot in the default browser; any other URL is refused. */
  'desktop.openExternal': { args: z.tuple([z.string().max(2048)]), result: z.void() },
  /** Null where the OS has no login items (Linux). */
  'desktop.startAtLogin.get': { args: z.tuple([]), result: z.boolean().nullable() },
  'desktop.startAtLogin.set': { args: z.tuple([z.boolean()]), result: z.boolean().nullable() },
  /** Installs (true) or removes (false) the Windows service; Windows asks for administrator rights. */
  'desktop.serviceMode.set': { args: z.tuple([z.boolean()]), result: DesktopInfo },
  'desktop.logsFolder.open': { args: z.tuple([]), result: z.void() },
} as const;
export type DesktopCall = keyof typeof DesktopCalls;
export type DesktopCallArgs<C extends DesktopCall> = z.infer<(typeof DesktopCalls)[C]['args']>;
export type DesktopCallResult<C extends DesktopCall> = z.infer<(typeof DesktopCalls)[C]['result']>;

/** `window.berth` in the desktop window; absent in a browser, where the window uses the WebSocket instead. */
export interface DesktopBridge {
  readonly platform: string;
  /**
   * Asks for a MessagePort to the agent. It arrives as a window `message` event whose `data` is
   * AGENT_PORT_MESSAGE and whose `ports[0]` is the port; after an agent restart another one arrives unasked.
   */
  connectAgent(): void;
  openExternal(url: string): Promise<void>;
  /** Null where the OS has no login items (Linux). */
  getStartAtLogin(): Promise<boolean | null>;
  setStartAtLogin(enabled: boolean): Promise<boolean | null>;
  info(): Promise<DesktopInfo>;
  setServiceMode(enabled: boolean): Promise<DesktopInfo>;
  openLogsFolder(): Promise<void>;
  /** Called when a notification or the tray asks for a page; returns the unsubscribe. */
  onNavigate(listener: (target: NavigationTarget) => void): () => void;
}
