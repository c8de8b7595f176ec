// The 効果レポート's charts in plain SVG (no chart library): bars per month, two series side by side
// with a legend, the value written above each bar so the chart reads without a scale.
import type { EffectMonth } from '../../../shared/api/types.js';
import { useI18n } from '../i18n/index.js';
import { formatMonth } from '../util/format.js';

export interface Series {
  label: string;
  className: string;
  value: (m: EffectMonth) => number;
}

const W = 560;
const H = 200;
const PAD = { left: 8, right: 8, top: 22, bottom: 28 };

/** Bars for each month and series, scaled to the largest value (at least 1, so an empty history draws flat). */
export function MonthBars({ months, series, title, testId }: { months: EffectMonth[]; series: Series[]; title: string; testId: string }) {
  const { lang } = useI18n();
  const max = Math.max(1, ...months.flatMap((m) => series.map((s) => s.value(m))));
  const slot = (W - PAD.left - PAD.right) / Math.max(1, months.length);
  const bar = Math.min(28, (slot - 10) / series.length);
  const plotH = H - PAD.top - PAD.bottom;
  return (
    <figure className="er-chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} preserveAspectRatio="xMidYMid meet">
        <line x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} className="er-axis" />
        {months.map((m, i) => {
          const x0 = PAD.left + i * slot + (slot - bar * series.length) / 2;
          return (
            <g key={m.month}>
              {series.map((s, j) => {
                const v = s.value(m);
                const h = (v / max) * plotH;
                const x = x0 + j * bar;
                const y = H - PAD.bottom - h;
                return (
                  <g key={s.label}>
                    <rect x={x} y={y} width={bar - 2} height={h} className={s.className} data-value={v}>
                      <title>{`${formatMonth(m.month, lang)} ${s.label}: ${v}`}</title>
                    </rect>
                    <text x={x + (bar - 2) / 2} y={y - 4} textAnchor="middle" className="er-value">
                      {v}
                    </text>
                  </g>
                );
              })}
              <text x={PAD.left + i * slot + slot / 2} y={H - 8} textAnchor="middle" className="er-month">
                {formatMonth(m.month, lang)}
              </text>
            </g>
          );
        })}
      </svg>
      <ul className="er-legend">
        {series.map((s) => (
          <li key={s.label}>
            <span className={`er-swatch ${s.className}`} aria-hidden="true" />
            {s.label}
          </li>
        ))}
      </ul>
    </figure>
  );
}
