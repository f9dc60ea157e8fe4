// A bar chart in plain SVG: time per day, week or month (columns) or per person (rows).
import type { ReportPoint, ReportRunInput } from '../api/types.gen';

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function BarChart({ points, kind, format, title }: {
  points: ReportPoint[]; kind: NonNullable<ReportRunInput['chart']>; format: (s: number) => string; title: string;
}) {
  if (points.length === 0) return null;
  const hours = points.map((p) => p.seconds / 3600);
  const max = niceMax(Math.max(...hours));
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const total = points.reduce((a, p) => a + p.seconds, 0);
  const unit = { day: 'days', week: 'weeks', month: 'months', person: 'people' }[kind];
  const summary = `${title}: ${points.length} ${unit}, ${format(total)} in all`;

  if (kind === 'person') {
    const rowH = 28;
    const left = 150;
    const width = 640;
    const plot = width - left - 70;
    const height = points.length * rowH + 24;
    return (
      <svg class="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary} preserveAspectRatio="xMinYMin meet">
        <title>{summary}</title>
        {ticks.map((t) => {
          const x = left + (t / max) * plot;
          return (
            <g key={t}>
              <line x1={x} x2={x} y1={0} y2={height - 20} class="chart-grid" />
              <text x={x} y={height - 6} class="chart-axis" text-anchor="middle">{t % 1 ? t.toFixed(1) : t}h</text>
            </g>
          );
        })}
        {points.map((p, i) => {
          const w = (p.seconds / 3600 / max) * plot;
          const y = i * rowH + 4;
          return (
            <g key={p.key}>
              <text x={left - 8} y={y + 15} class="chart-label" text-anchor="end">{p.label.length > 22 ? `${p.label.slice(0, 21)}…` : p.label}</text>
              <rect x={left} y={y} width={Math.max(w, p.seconds ? 2 : 0)} height={rowH - 8} rx={3} class="chart-bar">
                <title>{`${p.label}: ${format(p.seconds)}`}</title>
              </rect>
              <text x={left + w + 6} y={y + 15} class="chart-value">{format(p.seconds)}</text>
            </g>
          );
        })}
      </svg>
    );
  }

  const width = 720;
  const height = 220;
  const left = 40;
  const bottom = 36;
  const plotH = height - bottom - 10;
  const slot = (width - left - 8) / points.length;
  const barW = Math.max(2, Math.min(28, slot * 0.7));
  const every = Math.ceil(points.length / 16);
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary} preserveAspectRatio="xMinYMin meet">
      <title>{summary}</title>
      {ticks.map((t) => {
        const y = 10 + plotH - (t / max) * plotH;
        return (
          <g key={t}>
            <line x1={left} x2={width - 8} y1={y} y2={y} class="chart-grid" />
            <text x={left - 6} y={y + 4} class="chart-axis" text-anchor="end">{t % 1 ? t.toFixed(1) : t}h</text>
          </g>
        );
      })}
      {points.map((p, i) => {
        const h = (p.seconds / 3600 / max) * plotH;
        const x = left + i * slot + (slot - barW) / 2;
        return (
          <g key={p.key}>
            <rect x={x} y={10 + plotH - h} width={barW} height={h} rx={2} class="chart-bar">
              <title>{`${p.label}: ${format(p.seconds)}`}</title>
            </rect>
            {i % every === 0 && (
              <text x={x + barW / 2} y={height - bottom + 16} class="chart-axis" text-anchor="middle">{p.label}</text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
