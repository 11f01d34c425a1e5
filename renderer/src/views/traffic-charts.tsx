import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { SlotMetrics } from '../../../agent-core/protocol';
import type { SlotView } from '../../../agent-core/protocol/local-api';
import { formatClock } from '../model/format';
import { chartData, recentFigures, type ChartData, type ChartSeries, type TrafficFigures } from '../model/traffic-series';
import { metricsActions, useMetricsStore, useSlotMetrics } from '../stores/metrics-store';

const CHART_HEIGHT = 140;

interface ChartSpec {
  title: string;
  unit: string;
  pick: (series: ChartSeries) => (number | null)[];
}

const CHARTS: ChartSpec[] = [
  { title: 'Requests per second', unit: 'req/s', pick: (series) => series.requestsPerSecond },
  { title: '5xx answers', unit: '%', pick: (series) => series.errorPercent },
  { title: 'p95 latency', unit: 'ms', pick: (series) => series.p95Ms },
];

/** Follows every blue-green slot's traffic while the calling view is shown. */
export function useTrafficFollow(): void {
  useEffect(() => metricsActions.follow(), []);
}

/** A blue-green slot's traffic as its proxy counts it: figures now, then requests/s, 5xx % and p95 per color, swaps marked. */
export function TrafficCharts({ slot }: { slot: SlotView }) {
  useTrafficFollow();
  const metrics = useSlotMetrics(slot.id);
  const error = useMetricsStore((store) => store.error);
  if (slot.spec.traffic.mode !== 'blue-green') return null;
  const data = metrics ? chartData(metrics) : null;
  return (
    <section className="section traffic" aria-labelledby="traffic-title">
      <h2 id="traffic-title">Traffic</h2>
      {error ? <p className="muted">{error}</p> : null}
      <TrafficNow metrics={metrics} />
      {data && data.times.length > 0 ? (
        <>
          <div className="traffic-charts">
            {CHARTS.map((chart) => (
              <TrafficChart key={chart.title} spec={chart} data={data} />
            ))}
          </div>
          <Swaps data={data} />
        </>
      ) : (
        <p className="muted">No traffic through port {slot.spec.traffic.publicPort} in the last 5 minutes.</p>
      )}
    </section>
  );
}

function figureText(figures: TrafficFigures): string {
  const rate = `${figures.requestsPerSecond.toFixed(1)} req/s`;
  const errors = figures.errorPercent === null ? '— 5xx' : `${Number(figures.errorPercent.toFixed(1))}% 5xx`;
  const p95 = figures.p95Ms === null ? 'p95 —' : `p95 ${Math.round(figures.p95Ms)} ms`;
  return `${rate} · ${errors} · ${p95}`;
}

/** The last 10 seconds, per color that served in them. */
function TrafficNow({ metrics }: { metrics: SlotMetrics | undefined }) {
  const figures = recentFigures(metrics);
  if (figures.length === 0) return null;
  return (
    <dl className="traffic-now" aria-label="Traffic in the last 10 seconds">
      {figures.map((item) => (
        <div key={`${item.color}-${item.deploymentId}`} data-color={item.color}>
          <dt>
            <span className={`color-dot color-${item.color}`} aria-hidden="true" /> {item.color} <span className="mono muted">{item.deploymentId}</span>
          </dt>
          <dd>{figureText(item)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Swaps({ data }: { data: ChartData }) {
  if (data.swaps.length === 0) return null;
  const starts = data.series.map((series, index) => ({ series, at: data.times[data.series[index]!.requestsPerSecond.findIndex((value) => value !== null)] }));
  return (
    <p className="traffic-swaps muted">
      Swaps (dashed lines):{' '}
      {data.swaps
        .map((time) => {
          const to = starts.find((start) => start.at === time)?.series;
          return `${formatClock(time * 1000)} to ${to ? `${to.color} (${to.deploymentId})` : 'a new version'}`;
        })
        .join(', ')}
    </p>
  );
}

function cssVariable(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** Dashed vertical lines where a new series starts: a swap moved the traffic there. */
function swapMarks(swaps: () => number[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (chart) => {
        const { ctx, bbox } = chart;
        ctx.save();
        ctx.strokeStyle = cssVariable('--muted', '#5b636e');
        ctx.setLineDash([4, 4]);
        ctx.lineWidth = devicePixelRatio;
        for (const time of swaps()) {
          const x = Math.round(chart.valToPos(time, 'x', true));
          if (x < bbox.left || x > bbox.left + bbox.width) continue;
          ctx.beginPath();
          ctx.moveTo(x, bbox.top);
          ctx.lineTo(x, bbox.top + bbox.height);
          ctx.stroke();
        }
        ctx.restore();
      },
    },
  };
}

function columns(spec: ChartSpec, data: ChartData): uPlot.AlignedData {
  return [data.times, ...data.series.map((series) => spec.pick(series))];
}

/** One uPlot chart; made again when the set of series changes (a swap), else only given new data. */
function TrafficChart({ spec, data }: { spec: ChartSpec; data: ChartData }) {
  const holder = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const swaps = useRef(data.swaps);
  swaps.current = data.swaps;
  const seriesKey = data.series.map((series) => `${series.color}:${series.deploymentId}`).join(',');

  useEffect(() => {
    const element = holder.current!;
    const axis = { stroke: cssVariable('--muted', '#5b636e'), grid: { stroke: cssVariable('--border', '#d5dae1'), width: 1 }, ticks: { show: false } };
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 200),
      height: CHART_HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { y: { range: (_chart, _min, max) => [0, Math.max(max, spec.unit === '%' ? 5 : 1)] } },
      axes: [axis, { ...axis, size: 48, values: (_chart, ticks) => ticks.map((tick) => `${Number(tick.toFixed(2))}`) }],
      series: [
        {},
        ...data.series.map((series) => ({
          label: `${series.color} ${series.deploymentId}`,
          stroke: cssVariable(`--${series.color}`, series.color),
          width: 2,
          spanGaps: false,
        })),
      ],
      plugins: [swapMarks(() => swaps.current)],
    };
    chart.current = new uPlot(options, columns(spec, data), element);
    const resize = new ResizeObserver(() => chart.current?.setSize({ width: Math.max(element.clientWidth, 200), height: CHART_HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
    // Made again only for a new set of series (seriesKey); the data alone goes through setData below.
  }, [seriesKey, spec]);

  useEffect(() => {
    chart.current?.setData(columns(spec, data));
  }, [data, spec]);

  const latest = data.series.map((series) => spec.pick(series).filter((value) => value !== null).at(-1) ?? null);
  return (
    <figure className="traffic-chart" data-chart={spec.unit}>
      <figcaption>
        {spec.title} <span className="muted">({spec.unit})</span>
      </figcaption>
      <div ref={holder} className="traffic-plot" role="img" aria-label={`${spec.title} over the last 5 minutes, per color`} />
      <span className="visually-hidden">
        Latest: {data.series.map((series, index) => `${series.color} ${latest[index] === null ? 'none' : Number(latest[index]!.toFixed(2))} ${spec.unit}`).join(', ')}
      </span>
    </figure>
  );
}
