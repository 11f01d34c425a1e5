import { DeploymentFailed } from '../deployments/deployment-failed';
import type { AgentEvents, ProgressEvent } from '../events';
import { describeIssues, toErrorInfo, type ErrorInfo } from '../protocol';
import { COMMAND_PAYLOADS, isCommandName, type CommandMessage, type CommandName } from '../protocol/control-plane';
import { redactText } from '../runner';
import { specSecrets } from '../secrets';
import type { SlotManager } from '../slots';
import type { CommandRepository, ResultBody } from '../store';
import { HANDLERS, notAllowed, type CommandHandler, type HandlerContext } from './command-handlers';
import type { Outbox } from './outbox';

export interface DispatcherOptions {
  outbox: Outbox;
  /** The commands seen, and the results of the finished ones. */
  commands: CommandRepository;
  slots: SlotManager;
  events: AgentEvents;
  /** The welcome's allowlist; null: every workspace. */
  allowlist(): readonly string[] | null;
  context: Omit<HandlerContext, 'job'>;
}

interface Running {
  name: CommandName;
  slotId: string | null;
  done: Promise<void>;
}

/**
 * Runs the server's commands: `accepted` once the command is on the disk, its `progress`, then
 * exactly one `result`. A command id seen before is never run again. A command reaches its slot's
 * queue within `dispatch`, so the queue (the one place that orders a slot's work) sees the commands
 * in the order received and runs them one at a time.
 */
export class CommandDispatcher {
  private readonly running = new Map<string, Running>();

  constructor(private readonly options: DispatcherOptions) {}

  dispatch(command: CommandMessage): void {
    const { outbox, commands, events } = this.options;
    const { commandId, name } = command;
    const seen = commands.get(commandId);
    if (seen !== null) {
      events.info(`command ${commandId} (${seen.name}) was received before; sending its ${seen.state === 'done' ? 'result' : 'acceptance'} again instead of running it twice`);
      outbox.add(seen.state === 'done' && seen.result !== null ? seen.result : { type: 'accepted', commandId });
      return;
    }
    if (!isCommandName(name)) {
      this.reject(commandId, name, { code: 'UNKNOWN_COMMAND', message: `this agent does not know the command '${name}'; update the agent or send one of: ${Object.keys(COMMAND_PAYLOADS).join(', ')}` });
      return;
    }
    const parsed = COMMAND_PAYLOADS[name].safeParse(command.payload ?? {});
    if (!parsed.success) {
      this.reject(commandId, name, { code: 'INVALID_PAYLOAD', message: `invalid payload for ${name}: ${describeIssues(parsed.error, 'payload')}` });
      return;
    }
    this.start(commandId, name, parsed.data);
  }

  /** A frame that should have been a command, with a readable id, that could not be read as one. */
  rejectMalformed(commandId: string, problem: string): void {
    if (this.options.commands.get(commandId) !== null) {
      this.options.events.warn(`ignored a malformed frame for command ${commandId}, which was received before: ${problem}`);
      return;
    }
    this.reject(commandId, 'unknown', { code: 'INVALID_PAYLOAD', message: `the command frame is malformed: ${problem}` });
  }

  /** True when the command was still running and is now being cancelled. */
  cancel(commandId: string): boolean {
    const running = this.running.get(commandId);
    if (!running) {
      this.options.events.info(`cancel for command ${commandId} ignored: it is not running on this host`);
      return false;
    }
    if (running.slotId !== null) this.options.slots.get(running.slotId)?.queue.cancel(commandId, 'cancelled by the server');
    return true;
  }

  /** Sends a step of a running command as `progress` (the job's progress sink). */
  private forwardProgress(commandId: string, event: ProgressEvent): void {
    if (!this.running.has(commandId)) return;
    try {
      this.addProgress(commandId, event);
    } catch (error) {
      // A step that cannot be recorded must not fail the deployment that reports it.
      this.options.events.error(`could not record a progress step for the control plane: ${(error as Error).message}`);
    }
  }

  private addProgress(commandId: string, event: ProgressEvent): void {
    this.options.outbox.add({
      type: 'progress',
      commandId,
      step: event.step,
      message: event.message,
      ...(event.branch !== undefined ? { branch: event.branch } : {}),
      ...(event.outcome !== undefined ? { outcome: event.outcome } : {}),
      ...(event.command !== undefined ? { command: event.command } : {}),
    });
  }

  /**
   * Commands that were running when the agent stopped without finishing them (a crash or a kill)
   * get their one result now, so that the server is not left waiting for it.
   */
  finishInterrupted(): number {
    const interrupted = this.options.commands.running();
    for (const record of interrupted) {
      const deployment = record.slotId === null ? undefined : this.options.slots.get(record.slotId)?.deployments().find((candidate) => candidate.commandId === record.commandId);
      this.finish(record.commandId, record.name, record.slotId, {
        type: 'result',
        commandId: record.commandId,
        ok: false,
        error: {
          code: 'INTERNAL',
          message: `the agent stopped while running ${record.name} (it was killed or crashed), so the command did not finish; check the slot and send the command again`,
        },
        ...(deployment ? { data: deployment } : {}),
      });
    }
    return interrupted.length;
  }

  /** Settles when every command that is running now has recorded its result. */
  async settled(): Promise<void> {
    await Promise.all([...this.running.values()].map((running) => running.done));
  }

  private start(commandId: string, name: CommandName, payload: unknown): void {
    const { outbox, commands } = this.options;
    const handler = HANDLERS[name] as unknown as CommandHandler<CommandName>;
    const slotId = handler.slotId(payload as never);
    outbox.add({ type: 'accepted', commandId }, () => commands.begin(commandId, name, slotId));
    const secrets = hasSpec(payload) ? specSecrets(payload.slot) : [];
    const job = { id: commandId, commandId, name, progress: (event: ProgressEvent) => this.forwardProgress(commandId, event) };
    const context: HandlerContext = { ...this.options.context, job };
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    this.running.set(commandId, { name, slotId, done });

    let result: Promise<unknown>;
    try {
      for (const workspace of handler.workspaces(payload as never, this.options.slots)) this.checkWorkspace(workspace);
      result = handler.run(payload as never, context);
    } catch (error) {
      result = Promise.reject(error);
    }
    result
      .then(
        (data): ResultBody => ({ type: 'result', commandId, ok: true, data }),
        (error: unknown): ResultBody => failure(commandId, error, secrets),
      )
      .then((body) => {
        this.running.delete(commandId);
        this.finish(commandId, name, slotId, body);
      })
      .catch((error: unknown) => this.options.events.error(`could not record the result of command ${commandId}: ${(error as Error).message}`))
      .finally(resolveDone);
  }

  private checkWorkspace(workspace: string): void {
    const allowlist = this.options.allowlist();
    if (allowlist !== null && !allowlist.includes(workspace)) throw notAllowed(workspace);
  }

  private reject(commandId: string, name: string, error: ErrorInfo): void {
    this.options.events.warn(`command ${commandId} refused: ${error.message}`);
    this.finish(commandId, name, null, { type: 'result', commandId, ok: false, error });
  }

  private finish(commandId: string, name: string, slotId: string | null, result: ResultBody): void {
    this.options.outbox.add(result, () => this.options.commands.finish(commandId, name, slotId, result));
  }
}

function hasSpec(payload: unknown): payload is { slot: Parameters<typeof specSecrets>[0] } {
  return typeof payload === 'object' && payload !== null && 'slot' in payload;
}

function failure(commandId: string, error: unknown, secrets: string[]): ResultBody {
  const info = toErrorInfo(error);
  const message = redactText(info.message, secrets);
  const result: ResultBody = { type: 'result', commandId, ok: false, error: { code: info.code, message } };
  if (error instanceof DeploymentFailed) result.data = error.deployment;
  return result;
}
