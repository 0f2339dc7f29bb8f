// Charts of the reports page, drawn as inline SVG on the server: they read without JavaScript,
// print, and carry an accessible title and description. Every chart sits beside a table of the
// same numbers (the table is the figure; the chart only helps the eye), so screen readers and
// copy-paste get the exact values.
import { useId } from 'react';

export interface ChartRow {
  label: string;
  value: number;
  /** What the table shows instead of the bare number (a percentage, an amount). */
  display?: string;
}

const W = 420;

/** Horizontal bars, one per category, longest first as given. */
function Bars({ rows, titleId, descId, title }: { rows: ChartRow[]; titleId: string; descId: string; title: string }) {
  const rowH = 22;
  const labelW = 150;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const h = Math.max(rowH, rows.length * rowH) + 4;
  return (
    <svg role="img" aria-labelledby={`${titleId} ${descId}`} viewBox={`0 0 ${W} ${h}`} width={W} height={h} className="report-chart">
      <title id={titleId}>{title}</title>
      <desc id={descId}>{rows.map((r) => `${r.label}: ${r.display ?? r.value}`).join('; ')}</desc>
      {rows.map((r, i) => {
        const w = Math.round(((W - labelW - 60) * Math.max(0, r.value)) / max);
        const y = i * rowH + 2;
        return (
          <g key={r.label + i}>
            <text x={labelW - 6} y={y + 15} textAnchor="end" fontSize="12">
              {r.label.length > 22 ? `${r.label.slice(0, 21)}…` : r.label}
            </text>
            <rect x={labelW} y={y + 3} width={w} height={rowH - 8} fill="#3b6ea5" />
            <text x={labelW + w + 4} y={y + 15} fontSize="12">
              {r.display ?? r.value}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Columns over time (days or weeks), labelled at the ends only so long periods stay legible. */
function Columns({ rows, titleId, descId, title }: { rows: ChartRow[]; titleId: string; descId: string; title: string }) {
  const h = 160;
  const base = h - 20;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const step = (W - 40) / Math.max(1, rows.length);
  return (
    <svg role="img" aria-labelledby={`${titleId} ${descId}`} viewBox={`0 0 ${W} ${h}`} width={W} height={h} className="report-chart">
      <title id={titleId}>{title}</title>
      <desc id={descId}>
        {rows.length > 0 ? `${rows[0]!.label} – ${rows.at(-1)!.label}; max ${max}; total ${rows.reduce((s, r) => s + r.value, 0)}` : ''}
      </desc>
      <text x={0} y={12} fontSize="11">
        {max}
      </text>
      <line x1={30} x2={W} y1={base} y2={base} stroke="#999" />
      {rows.map((r, i) => {
        const barH = Math.round(((base - 18) * r.value) / max);
        return <rect key={r.label} x={32 + i * step} y={base - barH} width={Math.max(1, step - 1)} height={barH} fill="#3b6ea5" />;
      })}
      {rows.length > 0 ? (
        <>
          <text x={32} y={h - 4} fontSize="11">
            {rows[0]!.label}
          </text>
          <text x={W} y={h - 4} fontSize="11" textAnchor="end">
            {rows.at(-1)!.label}
          </text>
        </>
      ) : null}
    </svg>
  );
}

/** A titled figure: the SVG chart and the table of its numbers side by side. */
export function ChartFigure({
  title,
  rows,
  labelHeader,
  valueHeader,
  kind = 'bars',
  empty,
  testId,
}: {
  title: string;
  rows: ChartRow[];
  labelHeader: string;
  valueHeader: string;
  kind?: 'bars' | 'columns';
  empty: string;
  testId?: string;
}) {
  const id = useId();
  const titleId = `${id}-t`;
  const descId = `${id}-d`;
  return (
    <figure className="report-figure" data-chart={testId} style={{ display: 'flex', flexWrap: 'wrap', gap: '1.5rem', alignItems: 'flex-start', margin: '0 0 1.5rem' }}>
      <figcaption style={{ flexBasis: '100%', fontWeight: 600 }}>{title}</figcaption>
      {rows.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <>
          {kind === 'columns' ? (
            <Columns rows={rows} titleId={titleId} descId={descId} title={title} />
          ) : (
            <Bars rows={rows} titleId={titleId} descId={descId} title={title} />
          )}
          <table className="report-table">
            <thead>
              <tr>
                <th scope="col">{labelHeader}</th>
                <th scope="col">{valueHeader}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={r.label + i}>
                  <th scope="row">{r.label}</th>
                  <td>{r.display ?? r.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </figure>
  );
}
