import type { ProgressEvent } from '../events';
import type { SlotSpec } from '../protocol';

/**
 * Who asked for one action on a slot, given once when the action is queued and passed down whole:
 * the queue's id for it, the control-plane command (null for the tray, the window, the CLI), and
 * where its steps go besides the agent's event stream (the control plane's `progress`).
 */
export interface JobContext {
  /** The command id of a control-plane command, or a local id; `cancel` finds the job by it. */
  id: string;
  commandId: string | null;
  /** What cancels the slot's deployments when this job is a stop or a removal, e.g. `slot.stop`. */
  name?: string;
  progress?(event: ProgressEvent): void;
  /** The spec the action carried; without one it runs with the slot's last spec received. */
  spec?: SlotSpec;
}

/** A queued action with the spec it runs with, from start to end, fixed when it was queued. */
export interface SlotJob extends JobContext {
  spec: SlotSpec;
}

/** A job from this machine (tray, window, CLI): a local id and no control-plane command. */
export function localJob(name: string, id: string): JobContext {
  return { id, commandId: null, name };
}
