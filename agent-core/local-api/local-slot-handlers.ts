import { BerthError, type SlotSpec } from '../protocol';
import type { LocalSlotSource } from '../protocol/local-api';
import { repositoryUrlProblem } from '../source/git-auth';
import { sourceRootProblem } from '../source/source-roots';
import type { SlotController } from '../slots';
import type { HandlerContext, HandlerTable } from './handler-table';
import { restoreSecrets } from './spec-redaction';

type LocalSlotMethods = 'localSlots.create' | 'localSlots.update' | 'localSlots.remove';

/** Slots a person defines on this machine: they deploy without any control plane. */
export function localSlotHandlers(context: HandlerContext): Pick<HandlerTable, LocalSlotMethods> {
  const { agent, feed, localSources } = context;

  // Refused before the spec is stored, rather than at its first deployment, so a credential in the URL never reaches the database.
  const checkRepository = (spec: SlotSpec): void => {
    const problem = spec.repository ? repositoryUrlProblem(spec.repository.url) : null;
    if (problem !== null) throw new BerthError('INVALID_PAYLOAD', `the repository URL ${problem}`);
  };

  const checkSource = (spec: SlotSpec, source: LocalSlotSource): void => {
    if (source.kind === 'git' && !spec.repository) {
      throw new BerthError('INVALID_PAYLOAD', `slot '${spec.name}' deploys a branch, so its spec needs a repository`);
    }
    if (source.kind === 'directory') {
      const problem = sourceRootProblem(source.path, agent.settings.sourceRoots);
      if (problem !== null) throw new BerthError('PATH_NOT_ALLOWED', problem);
    }
  };

  const checkUniqueName = (spec: SlotSpec, exceptId: string | null): void => {
    const clash = agent.slots
      .list()
      .find((slot) => slot.id !== exceptId && slot.currentSpec.name === spec.name && slot.currentSpec.workspace === spec.workspace);
    if (clash) throw new BerthError('INVALID_PAYLOAD', `slot ${spec.workspace}/${spec.name} already exists on this host (id ${clash.id})`);
  };

  return {
    'localSlots.create': async ({ spec, source }) => {
      if (agent.slots.get(spec.id)) throw new BerthError('INVALID_PAYLOAD', `a slot with id '${spec.id}' already exists on this host`);
      checkUniqueName(spec, null);
      checkRepository(spec);
      checkSource(spec, source);
      localSources.set(spec.id, source);
      let controller: SlotController;
      try {
        controller = await agent.slots.define(spec, 'local');
      } catch (error) {
        localSources.delete(spec.id);
        throw error;
      }
      feed.publishSlot(controller.id);
      return feed.slotView(controller);
    },
    'localSlots.update': async ({ slot, spec, source }) => {
      const controller = requireLocal(agent.slots.find(slot));
      if (spec.id !== controller.id) {
        throw new BerthError('INVALID_PAYLOAD', `the spec's id '${spec.id}' is not the slot's id '${controller.id}'; a slot's id cannot change`);
      }
      checkUniqueName(spec, controller.id);
      checkRepository(spec);
      const nextSource = source ?? localSources.get(controller.id);
      if (nextSource) checkSource(spec, nextSource);
      await agent.slots.define(restoreSecrets(spec, controller.currentSpec), 'local');
      if (source) localSources.set(controller.id, source);
      feed.publishSlot(controller.id);
      return feed.slotView(controller);
    },
    'localSlots.remove': async ({ slot }) => {
      const controller = requireLocal(agent.slots.find(slot));
      await agent.slots.remove(controller.id, 'cancelled by localSlots.remove');
      localSources.delete(controller.id);
      return {};
    },
  };
}

/** The slot, when its spec is this machine's to change. */
export function requireLocal(controller: SlotController): SlotController {
  if (controller.origin !== 'local') {
    throw new BerthError(
      'INVALID_PAYLOAD',
      `slot '${controller.currentSpec.name}' comes from the control plane, so its spec is read-only here; change it on the server (starting, stopping and restarting it still work)`,
    );
  }
  return controller;
}

