import { createServer, type Server } from 'node:net';
import { BerthError } from '../protocol';

export interface FindFreePortOptions {
  /** Inclusive bounds (settings.colorPortRange). */
  range: readonly [number, number];
  /** Ports never handed out: the slot's publicPort, ports the other colors hold. */
  exclude?: readonly number[];
  host?: string;
}

// A port handed out is not bound until the app starts, which can take a while; meanwhile another
// deployment in this agent must not be given it too.
const RESERVED_MS = 60_000;
const handedOut = new Map<number, number>();

/** A listener of this agent on `port`, or null when the port cannot be bound on `host`. */
function bindPort(port: number, host: string): Promise<Server | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(null));
    server.listen({ port, host }, () => resolve(server));
  });
}

async function canBind(port: number, host: string): Promise<boolean> {
  const probe = await bindPort(port, host);
  if (probe === null) return false;
  await new Promise((resolve) => probe.close(resolve));
  return true;
}

/**
 * Whether `port` can be bound on `host` right now, binding being the only test the OS agrees
 * with. The wildcard address is tried too: on Windows and macOS a specific address can be bound
 * while another program holds the port on all interfaces, and the app may listen on either.
 */
export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  if (!(await canBind(port, host))) return false;
  return host === '0.0.0.0' || host === '::' || canBind(port, '0.0.0.0');
}

/**
 * A port in `range` that nothing listens on, checked by binding it, and not handed out by this
 * agent in the last minute. The search starts at a random place in the range, so that agents
 * sharing a machine rarely probe the same ports.
 */
export async function findFreePort({ range, exclude = [], host = '127.0.0.1' }: FindFreePortOptions): Promise<number> {
  const [from, to] = range;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to > 65_535 || from > to) {
    throw new BerthError('INVALID_PAYLOAD', `the color port range ${from}–${to} is not a range of ports (1–65535); fix colorPortRange`);
  }
  const size = to - from + 1;
  const start = Math.floor(Math.random() * size);
  const skip = new Set(exclude);
  const now = Date.now();
  for (let i = 0; i < size; i++) {
    const port = from + ((start + i) % size);
    if (skip.has(port) || (handedOut.get(port) ?? 0) > now) continue;
    if (await isPortFree(port, host)) {
      handedOut.set(port, Date.now() + RESERVED_MS);
      return port;
    }
  }
  throw new BerthError(
    'PORT_IN_USE',
    `every port from ${from} to ${to} on ${host} is in use or reserved; stop what holds them or widen colorPortRange`,
  );
}

/** A port this agent holds with a listener of its own until the app that is to have it starts. */
export interface PortClaim {
  readonly port: number;
  /** Closes the holding listener, so the app can bind the port; later calls do nothing. */
  release(): Promise<void>;
}

/**
 * A free port from `range` (as findFreePort picks it), held by a listener until `release()`. A
 * deployment picks its port before its source and install steps, which can take minutes; held,
 * the port cannot be taken meanwhile by another agent on this machine, whose own search would find
 * it free, nor by a program that binds the same address.
 */
export async function claimFreePort(options: FindFreePortOptions): Promise<PortClaim> {
  const host = options.host ?? '127.0.0.1';
  const taken: number[] = [];
  for (;;) {
    const port = await findFreePort({ ...options, exclude: [...(options.exclude ?? []), ...taken] });
    const holder = await bindPort(port, host);
    // Bound by someone else since the search found it free: the next one.
    if (holder === null) {
      taken.push(port);
      continue;
    }
    let released: Promise<void> | null = null;
    return { port, release: () => (released ??= new Promise((resolve) => holder.close(() => resolve()))) };
  }
}

/** Throws PORT_IN_USE naming the port and the setting to change when `port` cannot be bound on `host`. */
export async function assertPortFree(port: number, host = '0.0.0.0', setting = 'publicPort'): Promise<void> {
  if (!(await isPortFree(port, host))) {
    const what = setting === 'publicPort' ? 'public port' : 'port';
    throw new BerthError('PORT_IN_USE', `${what} ${port} is already in use by another program; free it or choose another ${setting}`);
  }
}
