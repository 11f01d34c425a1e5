import { randomUUID } from 'node:crypto';
import type { AgentEvents } from '../events';
import { BerthError, SlotSpec, type SlotStatus } from '../protocol';
import type { SlotSpecVault } from '../secrets';
import type { SlotOrigin } from '../store';
import { endOrphans } from './orphans';
import { SlotController, type SlotContext } from './slot-controller';

/** The registry of slots: defines them, finds them, restores them at start and stops them at exit. */
export class SlotManager {
  private readonly controllers = new Map<string, SlotController>();

  constructor(
    private readonly context: SlotContext,
    private readonly vault: SlotSpecVault,
    private readonly events: AgentEvents,
  ) {}

  /** Loads every stored slot with its last spec (secrets read back from the keychain). */
  async load(): Promise<void> {
    for (const record of this.context.store.slots.list()) {
      const spec = await this.vault.load(record.id);
      if (!spec) continue;
      this.controllers.set(record.id, new SlotController(this.context, spec, record.origin, record));
    }
  }

  list(): SlotController[] {
    return [...this.controllers.values()];
  }

  statuses(): SlotStatus[] {
    return this.list().map((controller) => controller.statusSnapshot);
  }

  get(slotId: string): SlotController | undefined {
    return this.controllers.get(slotId);
  }

  require(slotId: string): SlotController {
    const controller = this.controllers.get(slotId);
    if (!controller) throw new BerthError('NOT_FOUND', `no slot '${slotId}' on this host`);
    return controller;
  }

  /** Finds a slot by id, or by name (`workspace/name` or a name that is unique on this host). */
  find(reference: string): SlotController {
    const byId = this.controllers.get(reference);
    if (byId) return byId;
    const matches = this.list().filter((controller) => {
      const { name, workspace } = controller.currentSpec;
      return reference === name || reference === `${workspace}/${name}`;
    });
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw new BerthError('NOT_FOUND', `more than one slot is named '${reference}'; use workspace/name or the slot id`);
    throw new BerthError('NOT_FOUND', `no slot '${reference}' on this host`);
  }

  /** Stores the spec (the server pushes it with every action) and returns the slot's controller. */
  async define(input: unknown, origin: SlotOrigin): Promise<SlotController> {
    const parsed = SlotSpec.safeParse(input);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'slot'}: ${issue.message}`).join('; ');
      throw new BerthError('INVALID_PAYLOAD', `invalid slot spec: ${problems}`);
    }
    const spec = parsed.data;
    const record = await this.vault.save(spec, origin);
    const existing = this.controllers.get(spec.id);
    if (existing) {
      existing.replaceSpec(spec);
      return existing;
    }
    const controller = new SlotController(this.context, spec, origin, record);
    this.controllers.set(spec.id, controller);
    this.events.emit('slot.status', controller.statusSnapshot);
    return controller;
  }

  /** Ends orphans of a crashed agent, then starts every slot that was running when the agent stopped. */
  async restore(): Promise<void> {
    await endOrphans(this.context.store.processes, this.events, this.context.storagePath);
    const starts = this.list()
      .filter((controller) => this.context.store.slots.get(controller.id)?.desiredState === 'running')
      .map(async (controller) => {
        this.events.info(`restoring slot '${controller.currentSpec.name}', which was running when the agent stopped`, controller.id);
        try {
          await controller.start(`restore-${randomUUID()}`);
        } catch (error) {
          this.events.error(`could not restore slot '${controller.currentSpec.name}': ${(error as Error).message}`, controller.id);
        }
      });
    await Promise.all(starts);
  }

  /** Stops every slot with its shutdown commands, keeping each one's desired state for the next start. */
  async shutdown(): Promise<void> {
    await Promise.all(this.list().map((controller) => controller.shutdown()));
  }

  async remove(slotId: string): Promise<void> {
    const controller = this.require(slotId);
    await controller.shutdown();
    await this.vault.remove(slotId);
    this.controllers.delete(slotId);
    this.events.emit('slot.removed', { slotId });
  }
}
