import { request } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { BerthError } from '../protocol';

// kamal-proxy's defaults: check every second, each check may take 5 s, give up after 30 s.
export const DEFAULT_HEALTH_CHECK = { expectStatus: 200, timeoutMs: 30_000, intervalMs: 1_000, checkTimeoutMs: 5_000 } as const;

// While the service starts, a check every 20 ms for its first second: a healthy app goes live
// within a few ms of listening instead of up to `intervalMs` later. A refused connection costs
// the app nothing, and an app that takes longer than a second is probed at `intervalMs` after.
export const STARTUP_PROBE = { intervalMs: 20, windowMs: 1_000 } as const;

export interface CheckOptions {
  port: number;
  host?: string;
  /** Without a path, the port accepting a TCP connection is enough. */
  path?: string | null;
  expectStatus?: number;
  checkTimeoutMs?: number;
}

export type CheckOutcome = 'healthy' | 'unexpected-status' | 'timeout' | 'refused' | 'error';

export interface CheckResult {
  outcome: CheckOutcome;
  status?: number;
  /** "GET http://127.0.0.1:41873/healthz answered 503 (expected 200)". */
  detail: string;
}

export interface ServiceExit {
  exitCode: number | null;
  signal?: number | string | null;
}

export interface WaitHealthyOptions extends CheckOptions {
  timeoutMs?: number;
  intervalMs?: number;
  signal?: AbortSignal;
  /** Settles when the service process ends: waiting for it to become healthy is pointless after that. */
  serviceExited?: Promise<ServiceExit | void>;
  /** The last lines the service printed, appended to a failure so the person sees why. */
  lastOutput?: () => string;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

function httpCheck(host: string, port: number, path: string, expectStatus: number, timeoutMs: number): Promise<CheckResult> {
  const url = `http://${host}:${port}${path}`;
  return new Promise((resolve) => {
    const req = request({ host, port, path, method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      const status = res.statusCode!;
      resolve(
        status === expectStatus
          ? { outcome: 'healthy', status, detail: `GET ${url} answered ${status}` }
          : { outcome: 'unexpected-status', status, detail: `GET ${url} answered ${status} (expected ${expectStatus})` },
      );
    });
    req.once('timeout', () => {
      resolve({ outcome: 'timeout', detail: `GET ${url} did not answer within ${seconds(timeoutMs)}` });
      req.destroy();
    });
    req.once('error', (error: NodeJS.ErrnoException) => resolve(connectionFailure(error, `GET ${url}`, port)));
    req.end();
  });
}

function tcpCheck(host: string, port: number, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      resolve({ outcome: 'healthy', detail: `port ${port} accepts connections` });
      socket.destroy();
    });
    socket.once('timeout', () => {
      resolve({ outcome: 'timeout', detail: `port ${port} did not accept a connection within ${seconds(timeoutMs)}` });
      socket.destroy();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(connectionFailure(error, `connecting to port ${port}`, port)));
  });
}

function connectionFailure(error: NodeJS.ErrnoException, what: string, port: number): CheckResult {
  if (error.code === 'ECONNREFUSED') {
    return { outcome: 'refused', detail: `${what}: connection refused (nothing listens on port ${port} yet)` };
  }
  return { outcome: 'error', detail: `${what}: ${error.code ?? error.message}` };
}

/** One health check: the answer of a single GET (or TCP connect), for the first wait and for the periodic watch. */
export function checkOnce({
  port,
  host = '127.0.0.1',
  path,
  expectStatus = DEFAULT_HEALTH_CHECK.expectStatus,
  checkTimeoutMs = DEFAULT_HEALTH_CHECK.checkTimeoutMs,
}: CheckOptions): Promise<CheckResult> {
  return path ? httpCheck(host, port, path, expectStatus, checkTimeoutMs) : tcpCheck(host, port, checkTimeoutMs);
}

function withOutput(message: string, lastOutput: (() => string) | undefined): string {
  const output = lastOutput?.().trimEnd();
  return output ? `${message}\nLast lines of the service's output:\n${output}` : message;
}

function exitDescription(exit: ServiceExit | void): string {
  if (exit && exit.signal !== undefined && exit.signal !== null) return `was ended by signal ${exit.signal}`;
  if (exit && exit.exitCode !== null) return `exited with code ${exit.exitCode}`;
  return 'exited';
}

/**
 * Checks every 20 ms for the first second (STARTUP_PROBE), then every `intervalMs`, until the app answers `expectStatus` (or, without a path, accepts a
 * connection). Throws HEALTH_CHECK_FAILED when `timeoutMs` passes or the service exits first,
 * naming the last answer and what to change; CANCELLED when `signal` aborts.
 */
export async function waitHealthy(options: WaitHealthyOptions): Promise<CheckResult> {
  const {
    timeoutMs = DEFAULT_HEALTH_CHECK.timeoutMs,
    intervalMs = DEFAULT_HEALTH_CHECK.intervalMs,
    checkTimeoutMs = DEFAULT_HEALTH_CHECK.checkTimeoutMs,
    signal,
    serviceExited,
    lastOutput,
  } = options;
  const started = Date.now();
  const deadline = started + timeoutMs;
  const stop = new AbortController();
  const exit: { happened: boolean; info?: ServiceExit | void } = { happened: false };
  const onExit = (info?: ServiceExit | void): void => {
    exit.happened = true;
    exit.info = info;
    stop.abort();
  };
  serviceExited?.then(onExit, () => onExit());
  const onAbort = (): void => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let last: CheckResult | null = null;
  try {
    for (;;) {
      if (signal?.aborted) throw new BerthError('CANCELLED', 'the health check was cancelled');
      if (exit.happened) {
        const after = last ? ` (last check: ${last.detail})` : '';
        throw new BerthError(
          'HEALTH_CHECK_FAILED',
          withOutput(`the service ${exitDescription(exit.info)} before it became healthy${after}`, lastOutput),
        );
      }
      const remaining = deadline - Date.now();
      if (last && remaining <= 0) {
        throw new BerthError(
          'HEALTH_CHECK_FAILED',
          withOutput(
            `the app was not healthy after ${seconds(Date.now() - started)}: ${last.detail}. ` +
              (last.status === 404 ? 'Check traffic.healthCheck.path. ' : '') +
              `If the app is simply slow to boot, raise traffic.healthCheck.timeoutMs (now ${timeoutMs} ms).`,
            lastOutput,
          ),
        );
      }
      const clipped = remaining < checkTimeoutMs;
      const result = await checkOnce({ ...options, checkTimeoutMs: Math.max(1, Math.min(checkTimeoutMs, remaining)) });
      if (result.outcome === 'healthy') return result;
      // A check cut short by the overall deadline says less than the full check before it.
      if (!(clipped && result.outcome === 'timeout' && last)) last = result;
      const starting = Date.now() - started < STARTUP_PROBE.windowMs;
      const wait = Math.min(starting ? Math.min(intervalMs, STARTUP_PROBE.intervalMs) : intervalMs, deadline - Date.now());
      if (wait > 0 && !stop.signal.aborted) await delay(wait, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stop.abort();
  }
}
