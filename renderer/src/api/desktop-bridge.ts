import type { DesktopBridge } from '../../../agent-core/protocol/desktop';

/** `window.berth`, which the desktop app's preload provides; null in a plain browser. */
export function desktopBridge(): DesktopBridge | null {
  return (window as Window & { berth?: DesktopBridge }).berth ?? null;
}
