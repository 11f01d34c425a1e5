import type { OutputSink } from '../runner/output-sink';
import { Redactor } from '../runner/redactor';
import { storageFullError } from '../store/disk-space';
import { LogFanout, type LogSubscriber, type LogSubscription, type SubscribeOptions } from './log-fanout';
import { LogFile } from './log-file';
import { followLog } from './log-follower';
import { deploymentLogPath } from './log-paths';
import type { LogRange } from './log-range';

export interface FollowOptions extends SubscribeOptions {
  /** Stream the stored output from this offset first, then the live output (see followLog). */
  fromOffset?: number;
}

export interface DeploymentOutputOptions {
  storagePath: string;
  slotId: string;
  deploymentId: string;
  /** Values masked as *** before anything is written or sent. */
  secrets: readonly string[];
  /** Cap of the log file (default 100 MB). */
  maxBytes?: number;
  /** Default per-subscriber buffer of live output (default 1 MiB). */
  subscriberBufferBytes?: number;
}

/**
 * Where a deployment's terminal output goes: every chunk is redacted, appended to the deployment's
 * log file and handed to live subscribers, with the byte offset it has in the log.
 */
export class DeploymentOutput implements OutputSink {
  private closing: Promise<void> | null = null;
  private writers = 1;

  private constructor(
    private readonly redactor: Redactor,
    private readonly file: LogFile,
    private readonly fanout: LogFanout,
    private readonly full: AbortController,
  ) {}

  static async open(options: DeploymentOutputOptions): Promise<DeploymentOutput> {
    const path = deploymentLogPath(options.storagePath, options.slotId, options.deploymentId);
    const full = new AbortController();
    const onDiskFull = (): void => full.abort(storageFullError(options.storagePath));
    const file = await LogFile.open(path, { maxBytes: options.maxBytes, onDiskFull });
    return new DeploymentOutput(new Redactor(options.secrets), file, new LogFanout(options.subscriberBufferBytes), full);
  }

  /**
   * Aborted, with the storage-full error as its reason, the first time the log could not be
   * written because the disk is full: a deployment still coming up fails with it. Output goes on
   * to live readers, and to the file again (after a marker) once there is room.
   */
  get diskFull(): AbortSignal {
    return this.full.signal;
  }

  get path(): string {
    return this.file.path;
  }

  /** Bytes of redacted output so far: the offset the next output will have in the log. */
  get offset(): number {
    return this.file.offset;
  }

  /** True once the log is final: every writer has closed it. */
  get closed(): boolean {
    return this.closing !== null;
  }

  /**
   * One more writer of this log (the same deployment started again while its old instance still
   * runs): both write through this one log, so offsets stay exact; it closes when both have closed
   * it. False when the log is final already.
   */
  retain(): boolean {
    if (this.closing !== null) return false;
    this.writers++;
    return true;
  }

  /** Takes a chunk of terminal output. Output that arrives after close() is dropped: the log is final by then. */
  write(chunk: string): void {
    if (this.closing !== null) return;
    this.emit(this.redactor.push(chunk));
  }

  /** The log from offset `from` (the last `maxBytes` when null), with the output not yet on disk. */
  read(from: number | null, maxBytes: number): Promise<LogRange> {
    return this.file.read(from, maxBytes);
  }

  /**
   * Streams the output written from now on, or with `fromOffset` the stored output from there first;
   * see LogSubscriber for back-pressure.
   */
  subscribe(subscriber: LogSubscriber, { fromOffset, ...options }: FollowOptions = {}): LogSubscription {
    if (fromOffset === undefined) return this.fanout.subscribe(subscriber, options);
    return followLog(
      {
        read: (from, maxBytes) => this.file.read(from, maxBytes),
        liveFrom: (offset, live, liveOptions) => (offset === this.file.offset || this.file.broken ? this.fanout.subscribe(live, liveOptions) : null),
      },
      subscriber,
      fromOffset,
      options,
    );
  }

  /** The last writer's close writes what the redactor held back, ends every subscriber and closes the log file. */
  close(): Promise<void> {
    if (this.closing === null && this.writers > 1) {
      this.writers--;
      return Promise.resolve();
    }
    if (this.closing === null) {
      this.emit(this.redactor.flush());
      this.fanout.close();
      this.closing = this.file.close();
    }
    return this.closing;
  }

  private emit(text: string): void {
    if (text.length === 0) return;
    const appended = this.file.append(text);
    if (appended !== null) this.fanout.publish(appended.offset, appended.text);
  }
}
