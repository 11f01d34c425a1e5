import type { Session } from './session';

/** A stored key the server rejected (null: none was stored), watched so a new one dials at once. */
export interface KeyWatch {
  rejected: string | null;
}

/**
 * Where the client's link to the control plane is, as the client itself needs it (ConnectionState
 * is what people see). A session exists only in `hello` and `welcomed`, so what lives with it (held
 * frames, the heartbeat, the allowlist) cannot outlive it.
 */
export type LinkPhase =
  /** No session: before the first dial, and between sessions while a timer or a key watch waits. */
  | { kind: 'idle'; keyWatch: KeyWatch | null }
  /** Reading the key before a session is opened; a newer dial replaces this one. */
  | { kind: 'dialing' }
  /** The socket is up or opening and `hello` goes out; frames before `welcome` wait in `held`. */
  | { kind: 'hello'; session: Session; held: (() => void)[] }
  /** Welcomed: reliable messages flow, commands run. */
  | {
      kind: 'welcomed';
      session: Session;
      since: number;
      /** The welcome's allowlist; null: every workspace. */
      allowlist: readonly string[] | null;
      heartbeat: NodeJS.Timeout;
    };

export type LinkPhaseKind = LinkPhase['kind'];

const LINK_TRANSITIONS: Record<LinkPhaseKind, readonly LinkPhaseKind[]> = {
  // idle → idle: a new key watch, or a reconnect that forgets the old one.
  idle: ['idle', 'dialing'],
  // dialing → dialing: a reconnect while the key is being read starts a newer dial.
  dialing: ['dialing', 'idle', 'hello'],
  hello: ['welcomed', 'idle'],
  // welcomed → welcomed: a second welcome on one connection brings a new allowlist and heartbeat.
  welcomed: ['welcomed', 'idle'],
};

export function canMoveLink(from: LinkPhaseKind, to: LinkPhaseKind): boolean {
  return LINK_TRANSITIONS[from].includes(to);
}

/** `next`, or a throw when the table does not allow the move: a bug in the client, never a network event. */
export function checkedLinkMove(from: LinkPhase, next: LinkPhase): LinkPhase {
  if (!canMoveLink(from.kind, next.kind)) throw new Error(`the control-plane link cannot go from ${from.kind} to ${next.kind}`);
  return next;
}

/**
 * Whether the client takes work: `accepting` while running, `refusing` once the agent is stopping
 * (commands that arrive are left for the server to send again), `stopping` once the link closes for
 * good (no more dials; a running command may still report its result).
 */
export type ClientRun = 'accepting' | 'refusing' | 'stopping';

const RUN_TRANSITIONS: Record<ClientRun, readonly ClientRun[]> = {
  accepting: ['refusing', 'stopping'],
  refusing: ['refusing', 'stopping'],
  stopping: ['stopping'],
};

export function canMoveRun(from: ClientRun, to: ClientRun): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

export function checkedRunMove(from: ClientRun, next: ClientRun): ClientRun {
  if (!canMoveRun(from, next)) throw new Error(`the control-plane client cannot go from ${from} to ${next}`);
  return next;
}
