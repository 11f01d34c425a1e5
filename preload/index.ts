import { contextBridge, ipcRenderer } from 'electron';
import { AGENT_PORT_MESSAGE, DESKTOP_EVENTS, REQUEST_AGENT_PORT } from '../agent-core/protocol/desktop/channels';
import type { DesktopBridge, DesktopCall, DesktopCallArgs, DesktopCallResult, NavigationTarget } from '../agent-core/protocol/desktop';

// Sandboxed preload: only `electron` and bundled code run here, never Node modules. The page gets
// `window.berth` and nothing else: no ipcRenderer, no raw channels.

function invoke<C extends DesktopCall>(name: C, ...args: DesktopCallArgs<C>): Promise<DesktopCallResult<C>> {
  return ipcRenderer.invoke(name, ...args) as Promise<DesktopCallResult<C>>;
}

// The page's window, described here because this file compiles with main's settings, which have no DOM library.
const page = globalThis as unknown as {
  location: { origin: string };
  postMessage(message: string, targetOrigin: string, transfer: unknown[]): void;
};

// A MessagePort cannot cross the context bridge; window.postMessage hands it to the page instead.
ipcRenderer.on(DESKTOP_EVENTS.agentPort, (event) => {
  const [port] = event.ports;
  if (port) page.postMessage(AGENT_PORT_MESSAGE, page.location.origin, [port]);
});

const bridge: DesktopBridge = {
  platform: process.platform,
  connectAgent: () => ipcRenderer.send(REQUEST_AGENT_PORT),
  openExternal: (url) => invoke('desktop.openExternal', url),
  getStartAtLogin: () => invoke('desktop.startAtLogin.get'),
  setStartAtLogin: (enabled) => invoke('desktop.startAtLogin.set', enabled),
  info: () => invoke('desktop.info'),
  setServiceMode: (enabled) => invoke('desktop.serviceMode.set', enabled),
  openLogsFolder: () => invoke('desktop.logsFolder.open'),
  onNavigate: (listener) => {
    const forward = (_event: unknown, target: NavigationTarget): void => listener(target);
    ipcRenderer.on(DESKTOP_EVENTS.navigate, forward);
    return () => void ipcRenderer.off(DESKTOP_EVENTS.navigate, forward);
  },
};

contextBridge.exposeInMainWorld('berth', bridge);
