import { Backoff } from '../connection/backoff';
import type { Alert } from './alert';

export const WEBHOOK_ATTEMPTS = 5;
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_QUEUED = 100;

export interface WebhookSenderOptions {
  /** The webhook URL now (settings can change), or null for none. */
  url(): string | null;
  onGaveUp(alert: Alert, reason: string): void;
  backoff?: () => Backoff;
}

/**
 * POSTs alerts as JSON, one at a time, each retried with backoff. `send` returns at once: a slow
 * or dead webhook never holds up a deployment. The URL may hold a token, so it is never logged.
 */
export class WebhookSender {
  private readonly queue: Alert[] = [];
  private busy = false;
  private readonly abort = new AbortController();

  constructor(private readonly options: WebhookSenderOptions) {}

  send(alert: Alert): void {
    if (this.options.url() === null || this.abort.signal.aborted) return;
    if (this.queue.length >= MAX_QUEUED) this.queue.shift();
    this.queue.push(alert);
    if (!this.busy) void this.drain();
  }

  /** Drops what is queued and gives up on the request in flight. */
  stop(): void {
    this.queue.length = 0;
    this.abort.abort();
  }

  /** Settles once nothing is queued or in flight (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.busy) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      for (let alert = this.queue.shift(); alert !== undefined; alert = this.queue.shift()) await this.deliver(alert);
    } finally {
      this.busy = false;
    }
  }

  private async deliver(alert: Alert): Promise<void> {
    const backoff = this.options.backoff?.() ?? new Backoff({ baseMs: 1_000, capMs: 60_000 });
    let reason = '';
    for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS; attempt++) {
      const url = this.options.url();
      if (url === null || this.abort.signal.aborted) return;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(alert),
          signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
          redirect: 'error',
        });
        await response.body?.cancel();
        if (response.ok) return;
        reason = `the webhook answered HTTP ${response.status}`;
        // A client error will not change by sending the same body again, except for rate limits.
        if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) break;
      } catch (error) {
        if (this.abort.signal.aborted) return;
        reason = `the webhook could not be reached (${(error as Error).name === 'TimeoutError' ? 'timed out' : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message)})`;
      }
      if (attempt < WEBHOOK_ATTEMPTS) await sleep(Math.max(backoff.next(), 250), this.abort.signal);
    }
    this.options.onGaveUp(alert, reason);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
