import type { SlotView } from '../../../agent-core/protocol/local-api';
import { slotFigures, totalRequestsPerSecond } from '../model/traffic-series';
import { useSlotMetrics } from '../stores/metrics-store';

const WIDTH = 96;
const HEIGHT = 24;
const POINTS = 60;

/** A blue-green slot's requests per second over the last minute, small, for its row in the slots list. */
export function TrafficSparkline({ slot }: { slot: SlotView }) {
  const metrics = useSlotMetrics(slot.id);
  if (slot.spec.traffic.mode !== 'blue-green') return <span className="muted">—</span>;
  const values = totalRequestsPerSecond(metrics).slice(-POINTS);
  const now = slotFigures(metrics, 10);
  const top = Math.max(1, ...values);
  const step = WIDTH / (POINTS - 1);
  const offset = (POINTS - values.length) * step;
  const line = values.map((value, index) => `${(offset + index * step).toFixed(1)},${(HEIGHT - 1 - (value / top) * (HEIGHT - 2)).toFixed(1)}`).join(' ');
  const errors = (now.errorPercent ?? 0) > 0;
  const summary = `${now.requestsPerSecond.toFixed(1)} req/s${errors ? `, ${Number(now.errorPercent!.toFixed(1))}% 5xx` : ''}`;
  return (
    <span className="sparkline" data-testid="traffic-sparkline">
      <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Requests per second over the last minute; now ${summary}`}>
        <line x1="0" y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} className="sparkline-base" />
        {values.length > 1 ? <polyline points={line} className={`sparkline-line color-${slot.status.liveColor ?? 'blue'}`} /> : null}
      </svg>
      <span className={`sparkline-figure ${errors ? 'has-errors' : ''}`}>{summary}</span>
    </span>
  );
}
