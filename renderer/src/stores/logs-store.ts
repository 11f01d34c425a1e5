import { create } from 'zustand';
import { LocalApiError, type LogStream, type LogText } from '../../../agent-core/protocol/local-api';
import { formatBytes } from '../model/format';
import { LogStitcher, utf8Length } from '../model/log-stitcher';
import { isInProgress } from '../model/slot-facts';
import { agentActions } from './agent-actions';
import { useAgentStore } from './agent-store';

/** Where the followed log goes: the terminal of the logs view. */
export interface LogSink {
  write(text: string): void;
}

export interface LogsStore {
  slotId: string | null;
  deploymentId: string | null;
  phase: 'idle' | 'loading' | 'live' | 'error';
  error: string | null;
  shownBytes: number;
  gaps: number;
  gapBytes: number;
  /** The view starts at the log's tail, not its beginning. */
  historyTruncated: boolean;
  paused: boolean;
  /** Output that arrived while paused and waits to be shown. */
  heldBytes: number;
  /** Output the terminal skipped because it came faster than it could be drawn (in characters). */
  skippedChars: number;
}

// The history shown when a log opens; the whole log is one Download away.
export const HISTORY_BYTES = 1024 * 1024;
// While paused, output waits up to this much; past it, it is dropped and marked as a gap.
const MAX_HELD_BYTES = 16 * 1024 * 1024;
const STATS_INTERVAL_MS = 250;

const idle: LogsStore = {
  slotId: null,
  deploymentId: null,
  phase: 'idle',
  error: null,
  shownBytes: 0,
  gaps: 0,
  gapBytes: 0,
  historyTruncated: false,
  paused: false,
  heldBytes: 0,
  skippedChars: 0,
};

export const useLogsStore = create<LogsStore>()(() => idle);

export function gapMarker(bytes: number, why: string): string {
  return `\r\n\x1b[0;30;43m ⋯ ${formatBytes(bytes)} of output not shown here: ${why} ⋯ \x1b[0m\r\n`;
}

/** One followed log: its history, then its live output, with gaps made visible. */
class LogFollower {
  private stopped = false;
  private stream: LogStream | null = null;
  private held: string[] = [];
  private droppedWhilePaused = 0;
  private stats = { shownBytes: 0, gaps: 0, gapBytes: 0, heldBytes: 0 };
  private statsTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly slotId: string,
    private readonly deploymentId: string,
    private readonly sink: LogSink,
  ) {}

  async start(): Promise<void> {
    const stitcher = new LogStitcher({
      text: (text) => this.show(text),
      gap: (from, to) => this.gap(to - from, 'the window fell behind the agent'),
    });
    try {
      // The read includes what the agent has not yet written to disk, and the stream goes on from
      // exactly where the read ended: the two join without a repeated or a missing byte.
      const history = await this.readHistory();
      if (this.stopped) return;
      stitcher.history(history.text, history.endOffset);
      useLogsStore.setState({ historyTruncated: history.truncated, phase: 'live' });
      const follow = { slot: this.slotId, deploymentId: this.deploymentId, fromOffset: history.endOffset };
      const stream = await agentActions.followLogs(follow, (event) => stitcher.live(event.chunk));
      if (this.stopped) return void stream.close().catch(() => undefined);
      this.stream = stream;
    } catch (error) {
      if (!this.stopped) useLogsStore.setState({ phase: 'error', error: (error as Error).message });
    }
  }

  /** A deployment that has only just begun may have no log file yet: its whole output is still to come. */
  private async readHistory(): Promise<LogText> {
    try {
      return await agentActions.readLog({ slot: this.slotId, deploymentId: this.deploymentId, tailBytes: HISTORY_BYTES });
    } catch (error) {
      const deployment = useAgentStore.getState().state?.slots.find((slot) => slot.id === this.slotId)?.deployments.find((item) => item.id === this.deploymentId);
      if (error instanceof LocalApiError && error.code === 'LOG_NOT_AVAILABLE' && deployment && isInProgress(deployment)) {
        return { deploymentId: this.deploymentId, text: '', truncated: false, offset: 0, endOffset: 0 };
      }
      throw error;
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.statsTimer !== null) clearTimeout(this.statsTimer);
    void this.stream?.close().catch(() => undefined);
  }

  resume(): void {
    const held = this.held;
    this.held = [];
    for (const text of held) this.sink.write(text);
    if (this.droppedWhilePaused > 0) this.sink.write(gapMarker(this.droppedWhilePaused, 'it came while paused and did not fit in memory'));
    this.droppedWhilePaused = 0;
    this.stats.heldBytes = 0;
    this.publishStats();
  }

  private show(text: string, isOutput = true): void {
    const bytes = utf8Length(text);
    if (isOutput) this.stats.shownBytes += bytes;
    if (!useLogsStore.getState().paused) this.sink.write(text);
    else if (this.stats.heldBytes + bytes > MAX_HELD_BYTES) this.droppedWhilePaused += bytes;
    else {
      this.held.push(text);
      this.stats.heldBytes += bytes;
    }
    this.scheduleStats();
  }

  private gap(bytes: number, why: string): void {
    this.stats.gaps += 1;
    this.stats.gapBytes += bytes;
    this.show(gapMarker(bytes, why), false);
  }

  // The counters change with every chunk; the toolbar needs them a few times a second, not thousands.
  private scheduleStats(): void {
    this.statsTimer ??= setTimeout(() => {
      this.statsTimer = null;
      this.publishStats();
    }, STATS_INTERVAL_MS);
  }

  private publishStats(): void {
    if (!this.stopped) useLogsStore.setState({ ...this.stats });
  }
}

let current: LogFollower | null = null;
let skippedPending = 0;
let skippedTimer: ReturnType<typeof setTimeout> | null = null;

export const logsActions = {
  /** Shows the deployment's log in `sink` and follows it until the returned function is called. */
  follow(slotId: string, deploymentId: string, sink: LogSink): () => void {
    current?.stop();
    const follower = new LogFollower(slotId, deploymentId, sink);
    current = follower;
    useLogsStore.setState({ ...idle, slotId, deploymentId, phase: 'loading' });
    void follower.start();
    return () => {
      follower.stop();
      if (current === follower) {
        current = null;
        useLogsStore.setState(idle);
      }
    };
  },
  noteSkipped(chars: number): void {
    skippedPending += chars;
    skippedTimer ??= setTimeout(() => {
      skippedTimer = null;
      const chars = skippedPending;
      skippedPending = 0;
      if (current) useLogsStore.setState((store) => ({ skippedChars: store.skippedChars + chars }));
    }, STATS_INTERVAL_MS);
  },
  setPaused(paused: boolean): void {
    useLogsStore.setState({ paused });
    if (!paused) current?.resume();
  },
};
