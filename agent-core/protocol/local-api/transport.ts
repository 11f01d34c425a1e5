import type { Frame } from './frames';

/**
 * One open connection between a local-API client and the agent, whatever carries it (a
 * MessagePort, a WebSocket). Frames are plain JSON-compatible objects. Each listener is set once.
 */
export interface Transport {
  send(frame: Frame): void;
  onFrame(listener: (frame: unknown) => void): void;
  /** Called once, when the connection is gone for good (either side closed it, or it broke). */
  onClose(listener: (reason: string) => void): void;
  close(): void;
}
