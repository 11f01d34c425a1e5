import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { BerthError } from '../protocol';
import type { ForwardingOptions } from './forwarding-headers';
import { sendPlain, writePlain } from './plain-response';
import type { Target } from './target';

export const NO_TARGET_REASON = 'no healthy instance of this slot is running yet; it may still be starting';

export interface SlotProxyOptions extends Partial<ForwardingOptions> {
  /** Names the slot in error messages: "slot qa-1". */
  name?: string;
  /** Errors of the listening socket after it started (such as running out of file descriptors); the proxy keeps serving. */
  onError?: (error: Error) => void;
}

export interface ListenOptions {
  port: number;
  /** All interfaces unless the host is configured otherwise (settings.publicHost). */
  host?: string;
}

function listenError(error: NodeJS.ErrnoException, port: number, host: string): BerthError {
  if (error.code === 'EADDRINUSE') {
    return new BerthError('PORT_IN_USE', `public port ${port} is already in use by another program; free it or choose another publicPort`);
  }
  if (error.code === 'EACCES') {
    return new BerthError(
      'PORT_IN_USE',
      `public port ${port} needs administrator rights on this machine; choose a publicPort above 1023`,
    );
  }
  if (error.code === 'EADDRNOTAVAIL') {
    return new BerthError('PORT_IN_USE', `${host} is not an address of this machine; fix the public host setting (publicHost)`);
  }
  return new BerthError('INTERNAL', `could not listen on ${host}:${port}: ${error.message}`);
}

/**
 * A blue-green slot's public entrance: listens on the slot's publicPort and sends every request
 * to whichever Target is live. The swap is one assignment, so each request goes wholly to the old
 * or wholly to the new color; what already runs on the old one stays there, owned by its Target.
 */
export class SlotProxy {
  private readonly server: Server;
  private readonly forwarding: ForwardingOptions;
  private live: Target | null = null;
  private unavailableReason = NO_TARGET_REASON;

  constructor(private readonly options: SlotProxyOptions = {}) {
    this.forwarding = { trustForwardedHeaders: options.trustForwardedHeaders ?? false };
    this.server = createServer(this.onRequest);
    this.server.on('upgrade', this.onUpgrade);
  }

  /** The live target, or null while requests are answered 503. */
  get target(): Target | null {
    return this.live;
  }

  /** The bound port (the one asked for, or the one the OS chose for port 0). */
  get port(): number {
    const address = this.server.address() as AddressInfo | null;
    if (!address) throw new BerthError('INTERNAL', `the proxy${this.label()} is not listening`);
    return address.port;
  }

  listen({ port, host = '0.0.0.0' }: ListenOptions): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => reject(listenError(error, port, host));
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        this.server.on('error', (error) => this.options.onError?.(error));
        resolve(this.port);
      });
    });
  }

  /**
   * Points the slot at `target` (it must be healthy), or at nothing: then every request is
   * answered 503 with `reason`. Returns the target that was live, for the caller to drain.
   */
  setTarget(target: Target | null, reason: string = NO_TARGET_REASON): Target | null {
    if (target !== null && target.state !== 'healthy') {
      throw new BerthError('INTERNAL', `the ${target.color} target is ${target.state}; only a healthy target can take traffic`);
    }
    const previous = this.live;
    this.live = target;
    this.unavailableReason = reason;
    return previous;
  }

  /**
   * Stops listening and closes the client connections it still holds. Drain the live target
   * first: requests still under way are cut.
   */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private label(): string {
    return this.options.name ? ` of ${this.options.name}` : '';
  }

  private readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const target = this.live;
    if (target === null) sendPlain(res, 503, this.unavailableReason);
    else target.serve(req, res, this.forwarding);
  };

  private readonly onUpgrade = (req: IncomingMessage, client: Duplex, head: Buffer): void => {
    const target = this.live;
    if (target === null) writePlain(client, 503, this.unavailableReason);
    else target.serveUpgrade(req, client, head, this.forwarding);
  };
}
