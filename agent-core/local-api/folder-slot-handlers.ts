import { realpath } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { detectProject, HEALTH_CHECK_CANDIDATES, NothingDetected, ProcfileProblem } from '../detect';
import { BerthError, pathSegmentProblem, Template, type SlotSpec } from '../protocol';
import type { SlotController } from '../slots';
import { resolveAllowedDirectory } from '../source/source-roots';
import { checkOnce, isPortFree } from '../traffic';
import type { HandlerContext, HandlerTable } from './handler-table';
import { requireLocal } from './local-slot-handlers';

type FolderSlotMethods = 'localSlots.propose' | 'localSlots.findHealthCheck';

const WORKSPACE = 'local';
// Where a new slot's public port is looked for when none is given: memorable, and apart from colorPortRange.
const PUBLIC_PORTS: readonly [number, number] = [8080, 8999];
const REFUSED_GRACE_MS = 10_000;

/** A slot from a folder: what it asks for (`berth-agent up`, "New slot from a folder"), and the health check found once it runs. */
export function folderSlotHandlers(context: HandlerContext): Pick<HandlerTable, FolderSlotMethods> {
  const { agent, feed, localSources } = context;

  /** The local slot whose own source is this folder, compared after symlinks are followed. */
  const slotFromFolder = async (folder: string): Promise<SlotController | null> => {
    for (const controller of agent.slots.list()) {
      const source = controller.origin === 'local' ? localSources.get(controller.id) : null;
      if (source?.kind !== 'directory') continue;
      if ((await realpath(source.path).catch(() => source.path)) === folder) return controller;
    }
    return null;
  };

  const freeIdentity = (wanted: string): string => {
    const taken = (candidate: string): boolean =>
      agent.slots.get(candidate) !== undefined ||
      agent.slots.list().some((slot) => slot.currentSpec.workspace === WORKSPACE && slot.currentSpec.name === candidate);
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? wanted : `${wanted.slice(0, 60)}-${n}`;
      if (!taken(candidate)) return candidate;
    }
  };

  const freePublicPort = async (): Promise<number> => {
    const held = new Set(agent.slots.list().map((slot) => slot.currentSpec.traffic.publicPort));
    for (let port = PUBLIC_PORTS[0]; port <= PUBLIC_PORTS[1]; port++) {
      if (!held.has(port) && (await isPortFree(port, agent.settings.publicHost))) return port;
    }
    throw new BerthError('PORT_IN_USE', `every port from ${PUBLIC_PORTS[0]} to ${PUBLIC_PORTS[1]} is in use; give the slot a public port`);
  };

  return {
    'localSlots.propose': async ({ path, name, publicPort }) => {
      const folder = await resolveAllowedDirectory(path, agent.settings.sourceRoots);
      let detection;
      try {
        detection = detectProject(folder);
      } catch (error) {
        if (error instanceof NothingDetected || error instanceof ProcfileProblem) throw new BerthError('INVALID_PAYLOAD', error.message);
        throw error;
      }
      const existing = await slotFromFolder(folder);
      const current = existing?.currentSpec;
      const slotName = current?.name ?? freeIdentity(name ?? slotNameFor(folder));
      const port = current?.traffic.publicPort ?? publicPort ?? (await freePublicPort());
      const spec: SlotSpec = {
        id: current?.id ?? slotName,
        name: slotName,
        workspace: current?.workspace ?? WORKSPACE,
        // None of its own: the window, the tray and the CLI show the public port's address, whatever port is chosen in the editor.
        url: current?.url ?? null,
        template: detection.template,
        variables: {},
        traffic: current?.traffic ?? {
          mode: 'blue-green',
          publicPort: port,
          // No path yet: the first deployment is checked by TCP, then findHealthCheck keeps the first path that answers.
          healthCheck: { path: null, expectStatus: 200, timeoutMs: 60_000, intervalMs: 500, checkTimeoutMs: 5_000, watchIntervalMs: 30_000 },
          drainTimeoutMs: 10_000,
          keepWarmMs: 300_000,
        },
      };
      return {
        spec,
        source: { kind: 'directory', path: folder },
        kind: detection.kind,
        explanation: detection.explanation,
        existingSlotId: existing?.id ?? null,
        templateChanged: current !== undefined && canonical(current.template) !== canonical(detection.template),
      };
    },

    'localSlots.findHealthCheck': async ({ slot }) => {
      const controller = requireLocal(agent.slots.find(slot));
      const spec = controller.currentSpec;
      const kept = spec.traffic.healthCheck;
      if (kept.path) return { path: kept.path, expectStatus: kept.expectStatus, changed: false, slot: feed.slotView(controller) };
      const live = controller.deployments().find((deployment) => deployment.isProduction && deployment.port !== null);
      if (!live?.port) throw new BerthError('NOT_FOUND', `slot '${spec.name}' has no running deployment to look for a health check on; deploy it first`);
      const found = await firstAnswer(live.port);
      if (found === null) return { path: null, expectStatus: kept.expectStatus, changed: false, slot: feed.slotView(controller) };
      const healthCheck = { ...kept, path: found.path, expectStatus: found.status };
      await agent.slots.define({ ...spec, traffic: { ...spec.traffic, healthCheck } }, 'local');
      feed.publishSlot(controller.id);
      return { path: found.path, expectStatus: found.status, changed: true, slot: feed.slotView(controller) };
    },
  };
}

/**
 * The first candidate path that answers with a success or a redirect, and its status. While the
 * port refuses connections (a single-mode slot is ready before its app listens) it tries again, for a while.
 */
async function firstAnswer(port: number): Promise<{ path: string; status: number } | null> {
  const deadline = Date.now() + REFUSED_GRACE_MS;
  for (;;) {
    let refused = true;
    for (const path of HEALTH_CHECK_CANDIDATES) {
      const result = await checkOnce({ port, path, expectStatus: 200, checkTimeoutMs: 3_000 });
      if (result.status !== undefined && result.status >= 200 && result.status < 400) return { path, status: result.status };
      refused &&= result.outcome === 'refused';
    }
    if (!refused || Date.now() > deadline) return null;
    await delay(250);
  }
}

/** A slot name from the folder's name: lowercase, with anything but letters, digits, `-`, `_` and `.` turned into `-`. */
export function slotNameFor(folder: string): string {
  const name = basename(folder)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 56);
  return name === '' || pathSegmentProblem(name) !== null ? 'app' : name;
}

/** The template as JSON with defaults applied and keys sorted, so that equal templates compare equal. */
function canonical(template: Template): string {
  return JSON.stringify(Template.parse(template), (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
}

