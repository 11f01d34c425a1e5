import type { Color, DeploymentState, SlotState } from '../../../agent-core/protocol';

const SLOT_TONE: Record<SlotState, string> = {
  available: 'neutral',
  deploying: 'progress',
  running: 'ok',
  stopping: 'progress',
  error: 'danger',
};

const DEPLOYMENT_TONE: Record<DeploymentState, string> = {
  queued: 'neutral',
  preparing: 'progress',
  building: 'progress',
  starting: 'progress',
  ready: 'ok',
  failed: 'danger',
  stopped: 'neutral',
};

export function SlotStatusBadge({ status }: { status: SlotState }) {
  return <span className={`badge tone-${SLOT_TONE[status]}`}>{status}</span>;
}

export function DeploymentStatusBadge({ status }: { status: DeploymentState }) {
  return <span className={`badge tone-${DEPLOYMENT_TONE[status]}`}>{status}</span>;
}

export function ColorBadge({ color }: { color: Color | null }) {
  if (color === null) return <span className="muted">—</span>;
  return <span className={`color-badge color-${color}`}>{color}</span>;
}
