import { BerthError } from '../protocol';

export interface QueuedJob<T> {
  id: string;
  label: string;
  run(signal: AbortSignal): Promise<T>;
}

interface Entry {
  job: QueuedJob<unknown>;
  controller: AbortController;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * One slot's commands, run one at a time in the order received. Cancelling a queued job removes it;
 * cancelling the running one aborts its signal, and the job stops at its next safe point.
 */
export class SlotQueue {
  private readonly waiting: Entry[] = [];
  private current: Entry | null = null;
  private readonly idleWaiters: (() => void)[] = [];

  get runningJobId(): string | null {
    return this.current?.job.id ?? null;
  }

  get size(): number {
    return this.waiting.length + (this.current ? 1 : 0);
  }

  enqueue<T>(job: QueuedJob<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ job, controller: new AbortController(), resolve: resolve as (value: unknown) => void, reject });
      this.pump();
    });
  }

  /** True when the job was found (queued or running). */
  cancel(jobId: string, reason = 'cancelled'): boolean {
    const index = this.waiting.findIndex((entry) => entry.job.id === jobId);
    if (index >= 0) {
      const [entry] = this.waiting.splice(index, 1);
      entry!.reject(new BerthError('CANCELLED', `${entry!.job.label} was ${reason} before it started`));
      return true;
    }
    if (this.current?.job.id === jobId) {
      this.current.controller.abort(new BerthError('CANCELLED', `${this.current.job.label} was ${reason}`));
      return true;
    }
    return false;
  }

  /** Cancels the queued and the running jobs whose label matches (each ends CANCELLED with `reason`); returns how many. */
  cancelWhere(matches: (label: string) => boolean, reason: string): number {
    const ids = [...this.waiting, ...(this.current ? [this.current] : [])].filter((entry) => matches(entry.job.label)).map((entry) => entry.job.id);
    return ids.filter((id) => this.cancel(id, reason)).length;
  }

  /** Cancels everything queued and aborts the running job; resolves when the queue is idle. */
  async cancelAll(reason: string): Promise<void> {
    for (const entry of this.waiting.splice(0)) {
      entry.reject(new BerthError('CANCELLED', `${entry.job.label} was ${reason} before it started`));
    }
    const running = this.current;
    if (running) {
      running.controller.abort(new BerthError('CANCELLED', `${running.job.label} was ${reason}`));
      await this.idle();
    }
  }

  idle(): Promise<void> {
    if (!this.current && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    if (this.current) return;
    const next = this.waiting.shift();
    if (!next) {
      for (const waiter of this.idleWaiters.splice(0)) waiter();
      return;
    }
    this.current = next;
    next.job
      .run(next.controller.signal)
      .then(next.resolve, next.reject)
      .finally(() => {
        this.current = null;
        this.pump();
      });
  }
}
