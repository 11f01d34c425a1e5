import { randomUUID } from 'node:crypto';
import type { AgentEvents } from '../events';
import { BerthError, slotsReferredTo, type SlotSpec, type SlotStatus } from '../protocol';
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
    const matches = slotsReferredTo(this.controllers.values(), reference, (controller) => ({ ...controller.currentSpec, id: controller.id }));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw new BerthError('NOT_FOUND', `more than one slot is named '${reference}'; use workspace/name or the slot id`);
    throw new BerthError('NOT_FOUND', `no slot '${reference}' on this host`);
  }

  /**
   * Takes a received spec (the server pushes it with every action) as the slot's last one at once,
   * so that actions queued from now on see it, and stores it; `saved` settles once it is on the disk.
   * Synchronous up to the store, so the slot's queue sees actions in the order they were received.
   */
  accept(spec: SlotSpec, origin: SlotOrigin): { controller: SlotController; saved: Promise<void> } {
    const existing = this.controllers.get(spec.id);
    const stored = this.vault.save(spec, origin);
    if (existing) {
      const saved = stored.then(() => undefined);
      existing.replaceSpec(spec, saved);
      return { controller: existing, saved };
    }
    const controller = new SlotController(this.context, spec, origin, { status: 'available', error: null, updatedAt: new Date().toISOString() });
    this.controllers.set(spec.id, controller);
    const saved = stored.then(
      () => {
        if (this.controllers.get(spec.id) === controller) this.events.emit('slot.status', controller.statusSnapshot);
      },
      (error: unknown) => {
        // A new slot whose spec could not be stored does not exist.
        if (this.controllers.get(spec.id) === controller) this.controllers.delete(spec.id);
        throw error;
      },
    );
    controller.storing(saved);
    return { controller, saved };
  }

  /** Stores the spec and returns the slot's controller once it is stored. */
  async define(spec: SlotSpec, origin: SlotOrigin): Promise<SlotController> {
    const { controller, saved } = this.accept(spec, origin);
    await saved;
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
          await controller.start({ id: `restore-${randomUUID()}`, commandId: null, name: 'restore' });
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

  /** Stops the slot (cancelling what it has queued or running, with `reason`) and forgets it. */
  async remove(slotId: string, reason = 'cancelled by the slot\'s removal'): Promise<void> {
    const controller = this.require(slotId);
    await controller.shutdown(reason);
    await this.vault.remove(slotId);
    this.controllers.delete(slotId);
    this.events.emit('slot.removed', { slotId });
  }
}
