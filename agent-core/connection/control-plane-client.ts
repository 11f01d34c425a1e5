import type { AgentEvents } from '../events';
import { describeIssues, type Deployment, type SlotStatus } from '../protocol';
import { CloseCode, ServerFrame, type CommandMessage, type WelcomeMessage } from '../protocol/control-plane';
import type { ApiKey } from '../secrets';
import type { Settings } from '../settings';
import type { SlotManager } from '../slots';
import type { Store } from '../store';
import { agentInfo, userAgent } from './agent-info';
import { agentVersion } from './agent-version';
import { Backoff } from './backoff';
import { CommandDispatcher } from './command-dispatcher';
import { connectUrl } from './connect-url';
import { ConnectionStatus, describeState, type ConnectionState } from './connection-state';
import { hostStatus } from './host-status';
import { checkedLinkMove, checkedRunMove, type ClientRun, type KeyWatch, type LinkPhase } from './link-phase';
import { LogSubscriptions, type LogChannel } from './log-subscriptions';
import { Outbox } from './outbox';
import { Session, describeEnd, type SessionEnd } from './session';

export const KEY_REJECTED_RETRY_MS = 5 * 60_000;
export const REPLACED_WAIT_MS = 30_000;
export const WELCOME_TIMEOUT_MS = 30_000;
export const DEFAULT_HEARTBEAT_MS = 15_000;
const MIN_HEARTBEAT_MS = 1_000;
const KEY_POLL_MS = 5_000;
const LOG_HIGH_WATER_BYTES = 512 * 1024;
const COMMANDS_KEPT_MS = 30 * 24 * 60 * 60_000;
const STOP_WAIT_MS = 5_000;
/** Frames a server sends before its welcome wait for it, up to this many. */
const MAX_HELD_FRAMES = 1_000;

export interface ControlPlaneOptions {
  storagePath: string;
  store: Store;
  events: AgentEvents;
  slots: SlotManager;
  settings(): Settings;
  apiKey: { read(): Promise<ApiKey | null> };
  version?: string;
  backoff?: Backoff;
  /** A write found the storage disk full (the runtime gives back its reserved room). */
  onDiskFull?(error: unknown): void;
}

/**
 * The agent's link to the control plane: dials out, says hello, keeps the outbox flowing and runs
 * the server's commands, and comes back after every drop without hammering the server.
 */
export class ControlPlaneClient {
  /** Observable connection state, for the window, the tray and the CLI. */
  readonly status = new ConnectionStatus();
  private readonly outbox: Outbox;
  private readonly logs: LogSubscriptions;
  private readonly dispatcher: CommandDispatcher;
  private readonly backoff: Backoff;
  private readonly version: string;
  private phase: LinkPhase = { kind: 'idle', keyWatch: null };
  private run: ClientRun = 'accepting';
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly listeners: { onStatus(status: SlotStatus): void; onDeployment(deployment: Deployment): void };

  constructor(private readonly options: ControlPlaneOptions) {
    this.version = options.version ?? agentVersion();
    this.backoff = options.backoff ?? new Backoff();
    this.outbox = new Outbox(options.store, { onDiskFull: options.onDiskFull });
    this.logs = new LogSubscriptions(options.slots);
    const channel: LogChannel = {
      send: (frame, onWritten) => {
        if (this.phase.kind !== 'welcomed') return false;
        const { session } = this.phase;
        if (!session.send(frame, onWritten)) return false;
        return session.bufferedAmount < LOG_HIGH_WATER_BYTES;
      },
    };
    this.dispatcher = new CommandDispatcher({
      outbox: this.outbox,
      commands: options.store.commands,
      slots: options.slots,
      events: options.events,
      allowlist: () => (this.phase.kind === 'welcomed' ? this.phase.allowlist : null),
      context: {
        slots: options.slots,
        logs: this.logs,
        logChannel: channel,
        hostStatus: () => hostStatus(this.version, options.slots.statuses(), options.storagePath),
      },
    });
    this.listeners = {
      onStatus: (status) => this.record(() => this.outbox.add({ type: 'slot.status', ...status })),
      onDeployment: (deployment) => this.record(() => this.outbox.add({ type: 'deployment.update', ...deployment })),
    };
    this.status.on('change', (state) => {
      const { level, message } = describeState(state);
      options.events[level](`control plane: ${message}`);
    });
  }

  get state(): ConnectionState {
    return this.status.current;
  }

  /** Reports commands a crash left unfinished, starts recording the slots' events, and dials the server. */
  async start(): Promise<void> {
    const interrupted = this.dispatcher.finishInterrupted();
    if (interrupted > 0) this.options.events.warn(`${interrupted} command(s) from the server were interrupted when the agent last stopped; reported them as failed`);
    this.options.store.commands.prune(new Date(Date.now() - COMMANDS_KEPT_MS));
    const { events } = this.options;
    events.on('slot.status', this.listeners.onStatus);
    events.on('deployment.update', this.listeners.onDeployment);
    await this.connect();
  }

  /** The key or the server URL changed: drop the current connection or wait, and dial again at once. */
  async reconnect(): Promise<void> {
    if (this.stopping) return;
    this.clearTimers();
    this.backoff.reset();
    const session = this.dropSession();
    if (session !== null) {
      session.close(CloseCode.normal, 'reconnecting with new settings');
      this.status.set({ kind: 'offline', reason: 'reconnecting with new settings', nextRetryAt: new Date().toISOString() });
    }
    await this.connect();
  }

  /** The agent is stopping: commands that arrive from now on are left for the server to send again. */
  stopAccepting(): void {
    if (this.run === 'accepting') this.run = checkedRunMove(this.run, 'refusing');
  }

  /** Waits (briefly) for running commands to record their results, then closes the connection. */
  async stop(): Promise<void> {
    this.run = checkedRunMove(this.run, 'stopping');
    this.clearTimers();
    await Promise.race([this.dispatcher.settled(), delay(STOP_WAIT_MS)]);
    const { events } = this.options;
    events.off('slot.status', this.listeners.onStatus);
    events.off('deployment.update', this.listeners.onDeployment);
    const session = this.currentSession();
    if (session !== null) {
      const ended = new Promise<void>((resolve) => session.once('end', () => resolve()));
      session.close(CloseCode.goingAway, 'agent stopping');
      await Promise.race([ended, delay(STOP_WAIT_MS)]);
      if (this.currentSession() === session) session.terminate();
    }
    this.status.set({ kind: 'disabled', reason: 'the agent stopped' });
  }

  private async connect(): Promise<void> {
    if (this.stopping || this.currentSession() !== null) return;
    const settings = this.options.settings();
    if (settings.serverUrl === null) {
      this.status.set({ kind: 'disabled', reason: 'no server URL is set (berth-agent login --server URL)' });
      return;
    }
    let url: URL;
    try {
      url = connectUrl(settings.serverUrl, settings);
    } catch (error) {
      this.status.set({ kind: 'disabled', reason: (error as Error).message });
      return;
    }
    const dial = this.moveLink({ kind: 'dialing' });
    let key: ApiKey | null = null;
    try {
      key = await this.options.apiKey.read();
    } catch (error) {
      this.options.events.warn(`could not read the API key: ${(error as Error).message}`);
    }
    // A newer dial, a session or a stop took over while the key was read.
    if (this.stopping || this.phase !== dial) return;
    if (key === null) {
      this.status.set({ kind: 'disabled', reason: 'no API key is stored (berth-agent login --server URL)' });
      this.watchKey(null);
      return;
    }
    this.status.set({ kind: 'connecting', url: url.href });
    let session: Session;
    try {
      session = new Session({ url, apiKey: key.value, userAgent: userAgent(this.version), extraCaFile: settings.extraCaFile, pingIntervalMs: DEFAULT_HEARTBEAT_MS });
    } catch (error) {
      this.moveLink({ kind: 'idle', keyWatch: null });
      this.retryLater((error as Error).message, 0);
      return;
    }
    const keyUsed = key.value;
    this.moveLink({ kind: 'hello', session, held: [] });
    session.on('open', () => this.onOpen(session));
    session.on('message', (text) => this.onMessage(session, text));
    session.on('end', (end) => this.onEnd(session, end, keyUsed));
  }

  private onOpen(session: Session): void {
    session.send({
      type: 'hello',
      protocol: 1,
      agent: agentInfo(this.options.settings().name, this.version),
      slots: this.options.slots.statuses(),
      lastSeq: this.outbox.lastSeq,
    });
    this.later(WELCOME_TIMEOUT_MS, () => {
      if (this.phase.kind === 'hello' && this.phase.session === session) session.close(CloseCode.protocolError, `no welcome within ${WELCOME_TIMEOUT_MS / 1000} s`);
    });
  }

  private onMessage(session: Session, text: string | null): void {
    if (session !== this.currentSession()) return;
    if (text === null) {
      this.options.events.warn('ignored a binary frame from the server: the protocol has text frames only');
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      // The frame may hold a slot's secrets, so only its size is logged.
      this.options.events.warn(`ignored a frame of ${text.length} characters from the server that is not JSON`);
      return;
    }
    const parsed = ServerFrame.safeParse(raw);
    if (!parsed.success) {
      this.onMalformed(raw, describeIssues(parsed.error, 'frame'));
      return;
    }
    const frame = parsed.data;
    switch (frame.type) {
      case 'welcome':
        this.onWelcome(session, frame);
        return;
      case 'ack':
        this.outbox.ack(frame.seq);
        return;
      case 'command':
        this.whenWelcomed(() => this.onCommand(frame));
        return;
      case 'cancel':
        this.whenWelcomed(() => this.dispatcher.cancel(frame.commandId));
        return;
    }
  }

  private onMalformed(raw: unknown, problem: string): void {
    const frame = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    const commandId = frame.commandId;
    if (frame.type === 'command' && typeof commandId === 'string' && commandId !== '') {
      this.whenWelcomed(() => this.dispatcher.rejectMalformed(commandId, problem));
      return;
    }
    const type = typeof frame.type === 'string' ? `'${frame.type.slice(0, 40)}'` : 'without a type';
    this.options.events.warn(`ignored a frame ${type} from the server that this agent cannot read: ${problem}`);
  }

  private onCommand(command: CommandMessage): void {
    if (this.run !== 'accepting') {
      this.options.events.info(`command ${command.commandId} left for later: the agent is stopping`);
      return;
    }
    this.dispatcher.dispatch(command);
  }

  /** Frames come only from the current session, so the link is in `hello` or `welcomed` here. */
  private whenWelcomed(handle: () => void): void {
    const { phase } = this;
    if (phase.kind === 'welcomed') handle();
    else if (phase.kind === 'hello' && phase.held.length < MAX_HELD_FRAMES) phase.held.push(handle);
    else if (phase.kind === 'hello') this.options.events.warn('dropped a frame the server sent before its welcome: too many are waiting');
  }

  private onWelcome(session: Session, welcome: WelcomeMessage): void {
    const previous = this.phase;
    if (previous.kind !== 'hello' && previous.kind !== 'welcomed') return;
    const allowlist = welcome.workspaceAllowlist ?? null;
    const interval = Math.max(MIN_HEARTBEAT_MS, welcome.heartbeatIntervalMs);
    session.setPingInterval(interval);
    if (previous.kind === 'welcomed') clearInterval(previous.heartbeat);
    const heartbeat = setInterval(() => session.send({ type: 'heartbeat', ts: new Date().toISOString(), slots: this.options.slots.statuses() }), interval);
    if (previous.kind === 'welcomed') {
      this.moveLink({ ...previous, allowlist, heartbeat });
      this.outbox.ack(welcome.ackedSeq);
      this.options.events.warn('the server sent a second welcome on one connection; its allowlist and heartbeat interval now apply');
      return;
    }
    const since = Date.now();
    this.moveLink({ kind: 'welcomed', session, since, allowlist, heartbeat });
    const { resent, renumbered } = this.outbox.attach(welcome.ackedSeq, (message) => session.send(message));
    if (renumbered) {
      this.options.events.warn(`the server has stored messages up to seq ${welcome.ackedSeq}, more than this agent ever sent; the unsent messages were renumbered after it`);
    }
    this.status.set({ kind: 'online', hostId: welcome.hostId, since: new Date(since).toISOString() });
    if (resent > 0) this.options.events.info(`re-sent ${resent} message(s) the server had not acknowledged`);
    for (const handle of previous.held) handle();
  }

  private get stopping(): boolean {
    return this.run === 'stopping';
  }

  private currentSession(): Session | null {
    return this.phase.kind === 'hello' || this.phase.kind === 'welcomed' ? this.phase.session : null;
  }

  /** Back to idle, forgetting the session and everything that lived with it; returns it, for closing. */
  private dropSession(): Session | null {
    const session = this.currentSession();
    if (this.phase.kind === 'welcomed') clearInterval(this.phase.heartbeat);
    this.moveLink({ kind: 'idle', keyWatch: null });
    this.outbox.detach();
    this.logs.closeAll();
    return session;
  }

  private onEnd(session: Session, end: SessionEnd, keyUsed: string): void {
    if (session !== this.currentSession()) return;
    const upFor = this.phase.kind === 'welcomed' ? Date.now() - this.phase.since : 0;
    this.dropSession();
    if (this.stopping) return;
    if (end.kind === 'key-rejected' || (end.kind === 'closed' && end.code === CloseCode.keyRevoked)) {
      const nextRetryAt = Date.now() + KEY_REJECTED_RETRY_MS;
      this.status.set({ kind: 'key-rejected', nextRetryAt: new Date(nextRetryAt).toISOString() });
      this.later(KEY_REJECTED_RETRY_MS, () => void this.connect());
      this.watchKey(keyUsed);
    } else if (end.kind === 'closed' && end.code === CloseCode.replaced) {
      this.status.set({ kind: 'replaced', until: new Date(Date.now() + REPLACED_WAIT_MS).toISOString() });
      this.later(REPLACED_WAIT_MS, () => void this.connect());
    } else if (end.kind === 'closed' && end.code === CloseCode.protocolUnsupported) {
      this.status.set({ kind: 'protocol-unsupported', message: end.reason || 'the server does not support protocol version 1 of this agent' });
    } else {
      this.retryLater(describeEnd(end), upFor);
    }
  }

  private retryLater(reason: string, upForMs: number): void {
    const wait = this.backoff.next(upForMs);
    this.status.set({ kind: 'offline', reason, nextRetryAt: new Date(Date.now() + wait).toISOString() });
    this.later(wait, () => void this.connect());
  }

  /** Dials at once when the stored key changes (someone ran `berth-agent login`), instead of waiting. */
  private watchKey(rejected: string | null): void {
    const watch: KeyWatch = { rejected };
    this.moveLink({ kind: 'idle', keyWatch: watch });
    // A dial, a reconnect or a newer watch since ends this one.
    const current = (): boolean => this.run !== 'stopping' && this.phase.kind === 'idle' && this.phase.keyWatch === watch;
    const poll = async (): Promise<void> => {
      if (!current()) return;
      let key: ApiKey | null = null;
      try {
        key = await this.options.apiKey.read();
      } catch {
        // Unreadable now (a locked keychain): the next poll tries again.
      }
      if (!current()) return;
      if (key !== null && key.value !== rejected) {
        this.options.events.info('the API key changed; connecting again now');
        this.clearTimers();
        this.moveLink({ kind: 'idle', keyWatch: null });
        await this.connect();
        return;
      }
      this.later(KEY_POLL_MS, () => void poll());
    };
    this.later(KEY_POLL_MS, () => void poll());
  }

  /** Records a slot event for the server while one is configured; never lets a failure reach the slot that emitted it. */
  private record(write: () => void): void {
    if (!this.options.store.isOpen) return;
    if (this.options.settings().serverUrl === null) return;
    try {
      write();
    } catch (error) {
      this.options.events.error(`could not record an event for the control plane: ${(error as Error).message}`);
    }
  }

  private moveLink<P extends LinkPhase>(next: P): P {
    this.phase = checkedLinkMove(this.phase, next);
    return next;
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
