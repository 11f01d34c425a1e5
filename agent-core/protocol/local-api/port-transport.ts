import type { Frame } from './frames';
import type { Transport } from './transport';

/**
 * A MessagePort of any of the three kinds Berth meets: Node's (worker_threads, in tests), Electron's
 * MessagePortMain (main and the agent's utility process), both with `on`; and the DOM's (the
 * window), with `addEventListener`.
 */
export interface MessagePortLike {
  postMessage(message: unknown): void;
  close(): void;
  start?(): void;
  on?(event: string, listener: (value: unknown) => void): unknown;
  // The DOM's port is typed to hand a MessageEvent and Node's (as an EventTarget) an Event; both carry `data`.
  addEventListener?(type: 'message', listener: (event: unknown) => void): void;
}

interface MessageEventLike {
  data: unknown;
}

/** A transport over a MessagePort: frames travel as structured clones, not JSON text. */
export function createPortTransport(port: MessagePortLike): Transport {
  let closed = false;
  let onClose: (reason: string) => void = () => undefined;
  const closeOnce = (reason: string): void => {
    if (closed) return;
    closed = true;
    onClose(reason);
  };
  return {
    send(frame: Frame) {
      if (closed) throw new Error('the message port is closed');
      port.postMessage(frame);
    },
    onFrame(listener) {
      if (port.on) {
        port.on('message', (value) => listener(unwrapElectronEvent(value)));
      } else {
        port.addEventListener?.('message', (event) => listener((event as MessageEventLike).data));
      }
      port.start?.();
    },
    onClose(listener) {
      onClose = listener;
      // A DOM MessagePort says nothing when its other end goes away; its owner closes the client instead.
      port.on?.('close', () => closeOnce('the message port was closed'));
    },
    close() {
      port.close();
      closeOnce('closed by this side');
    },
  };
}

// Electron's MessagePortMain hands listeners a { data, ports } event where Node's port hands the value itself.
function unwrapElectronEvent(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && 'data' in value && 'ports' in value && Array.isArray(value.ports)) {
    return value.data;
  }
  return value;
}
