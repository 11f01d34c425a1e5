import { activeWarm, type Color, type Deployment } from '../../../agent-core/protocol';
import type { SlotView } from '../../../agent-core/protocol/local-api';
import { shortCommit, shortHash } from './format';

export function productionDeployment(slot: SlotView): Deployment | null {
  return slot.deployments.find((deployment) => deployment.id === slot.status.productionDeploymentId) ?? null;
}

/** What a deployment runs: a branch at its commit, or a directory snapshot by its hash. */
export function versionLabel(deployment: Deployment): string {
  const { source } = deployment;
  if (source.kind === 'git') return source.commit ? `${source.branch} @ ${shortCommit(source.commit)}` : source.branch;
  const hash = deployment.contentHash ?? (source.kind === 'snapshot' ? source.contentHash : null);
  return hash ? `snapshot ${shortHash(hash)}` : 'snapshot (not taken yet)';
}

/** Where people reach the slot: its URL, else its public port on this machine. */
export function slotUrl(slot: SlotView): string | null {
  const url = slot.status.url ?? slot.spec.url ?? null;
  if (url) return url;
  const port = slot.spec.traffic.publicPort;
  return port === undefined ? null : `http://localhost:${port}`;
}

/** How long a deployment has served since it last became ready, or null when it does not run. */
export function uptimeMs(deployment: Deployment | null, now: number): number | null {
  if (!deployment || deployment.status !== 'ready' || !deployment.readyAt) return null;
  return now - Date.parse(deployment.readyAt);
}

export type ColorRole = 'live' | 'preview' | 'warm' | 'idle';

export interface ColorFacts {
  color: Color;
  role: ColorRole;
  /** The deployment running on this color, else the last one that did; null for a color never used. */
  deployment: Deployment | null;
  /** For the warm color: how long it stays warm (a rollback to it is a swap until then). */
  warmLeftMs: number | null;
}

/** What each color of a blue-green slot holds now. */
export function colorFacts(slot: SlotView, color: Color, now: number): ColorFacts {
  const { status } = slot;
  const onColor = slot.deployments.filter((deployment) => deployment.color === color);
  if (status.liveColor === color) {
    return { color, role: 'live', deployment: productionDeployment(slot) ?? onColor[0] ?? null, warmLeftMs: null };
  }
  const preview = onColor.find((deployment) => status.previewDeploymentIds.includes(deployment.id));
  if (preview) return { color, role: 'preview', deployment: preview, warmLeftMs: null };
  const warm = activeWarm(status.warm, now);
  if (warm?.color === color) {
    const deployment = slot.deployments.find((candidate) => candidate.id === warm.deploymentId) ?? onColor[0] ?? null;
    return { color, role: 'warm', deployment, warmLeftMs: warm.leftMs };
  }
  return { color, role: 'idle', deployment: onColor[0] ?? null, warmLeftMs: null };
}

/** The production deployment before the current one: what a rollback without a choice brings back (the agent's `previousProduction`). */
export function previousProduction(slot: SlotView): Deployment | null {
  const earlier = slot.deployments.filter((deployment) => !deployment.isProduction && deployment.promotedAt !== null && deployment.expiresAt === null);
  return earlier.reduce<Deployment | null>((newest, deployment) => (newest === null || deployment.promotedAt! > newest.promotedAt! ? deployment : newest), null);
}

/** A rollback to `deploymentId` (default: the previous production one) is a swap to the warm color, no start. */
export function rollbackIsInstant(slot: SlotView, now: number, deploymentId?: string): boolean {
  const warm = activeWarm(slot.status.warm, now);
  if (!warm) return false;
  return warm.deploymentId === (deploymentId ?? previousProduction(slot)?.id);
}

export function previewDeployments(slot: SlotView): Deployment[] {
  return slot.deployments.filter((deployment) => slot.status.previewDeploymentIds.includes(deployment.id));
}

export function lastFailure(slot: SlotView): Deployment | null {
  return slot.deployments.find((deployment) => deployment.status === 'failed') ?? null;
}

/** From creation to ready; null while it runs or when it never became ready. */
export function deploymentDurationMs(deployment: Deployment): number | null {
  return deployment.readyAt ? Date.parse(deployment.readyAt) - Date.parse(deployment.createdAt) : null;
}

export function isInProgress(deployment: Deployment): boolean {
  return ['queued', 'preparing', 'building', 'starting'].includes(deployment.status);
}

/** Which history actions fit a deployment: a preview is promoted, an older version rolled back to. */
export function historyActions(slot: SlotView, deployment: Deployment): { promote: boolean; rollback: boolean; remove: boolean } {
  const production = deployment.id === slot.status.productionDeploymentId;
  const preview = slot.status.previewDeploymentIds.includes(deployment.id);
  const finished = deployment.status === 'stopped' || deployment.status === 'ready';
  return {
    promote: preview && !production,
    rollback: !preview && !production && finished,
    remove: !production && !preview && !isInProgress(deployment),
  };
}
