import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

/** One stacked part of every bar, e.g. input tokens; `color` is any CSS colour or var(). */
export interface BarSeries {
  label: string;
  color: string;
}

/** One bar: its label and one value per series, in the series' order. */
export interface BarDatum {
  label: string;
  values: number[];
}

interface BarChartProps {
  /** The chart's accessible name, also its visible caption. */
  title: string;
  series: BarSeries[];
  data: BarDatum[];
  /** Vertical bars for a time series, horizontal bars for a ranking. */
  orientation?: 'vertical' | 'horizontal';
  /** How values are written in labels and the data table (default: grouped integer). */
  format?: (value: number) => string;
  /** Vertical only: how many x-axis labels to show at most, evenly spread. */
  maxLabels?: number;
}

const WIDTH = 640;
const VERTICAL_HEIGHT = 220;
const ROW_HEIGHT = 28;
const PAD = { top: 12, right: 12, bottom: 28, left: 56 };

export const defaultFormat = (value: number) => new Intl.NumberFormat().format(value);

const total = (datum: BarDatum) => datum.values.reduce((sum, value) => sum + value, 0);

/** Indices of the x labels worth printing: first, last and evenly spread ones between. */
function labelIndices(count: number, max: number): Set<number> {
  if (count <= max) return new Set(Array.from({ length: count }, (_, i) => i));
  const step = (count - 1) / (max - 1);
  return new Set(Array.from({ length: max }, (_, i) => Math.round(i * step)));
}

/**
 * A small stacked bar chart drawn as inline SVG: no library, themed by CSS variables, with a
 * <title> per bar segment for pointer users and a visually hidden table of the same numbers
 * for screen readers.
 */
export function BarChart({
  title,
  series,
  data,
  orientation = 'vertical',
  format = defaultFormat,
  maxLabels = 8,
}: BarChartProps) {
  const max = Math.max(1, ...data.map(total));
  const horizontal = orientation === 'horizontal';
  const height = horizontal
    ? PAD.top + data.length * ROW_HEIGHT + 4
    : VERTICAL_HEIGHT + PAD.top + PAD.bottom;
  // Horizontal bars: labels in the first 160 units, values printed after the bar's end.
  const left = horizontal ? 160 : PAD.left;
  const span = horizontal ? WIDTH - left - 90 : VERTICAL_HEIGHT;
  const slot = (WIDTH - PAD.left - PAD.right) / Math.max(data.length, 1);
  const shown = labelIndices(data.length, maxLabels);

  const bars = data.map((datum, index) => {
    let offset = 0;
    const segments = datum.values.map((value, part) => {
      const size = (value / max) * span;
      const start = offset;
      offset += size;
      const partSeries = series[part];
      if (value <= 0 || !partSeries) return null;
      const tip = `${datum.label} · ${partSeries.label}: ${format(value)}`;
      if (horizontal) {
        return (
          <rect
            key={partSeries.label}
            x={left + start}
            y={PAD.top + index * ROW_HEIGHT + 4}
            width={Math.max(size, 1)}
            height={ROW_HEIGHT - 10}
            rx={3}
            fill={partSeries.color}
          >
            <title>{tip}</title>
          </rect>
        );
      }
      return (
        <rect
          key={partSeries.label}
          x={PAD.left + index * slot + slot * 0.15}
          y={PAD.top + VERTICAL_HEIGHT - start - size}
          width={Math.max(slot * 0.7, 1)}
          height={Math.max(size, 1)}
          fill={partSeries.color}
        >
          <title>{tip}</title>
        </rect>
      );
    });
    if (horizontal) {
      const y = PAD.top + index * ROW_HEIGHT + ROW_HEIGHT / 2 + 1;
      return (
        <g key={datum.label} class="bar-row">
          <text x={left - 8} y={y} text-anchor="end" dominant-baseline="middle">
            {datum.label.length > 24 ? `${datum.label.slice(0, 23)}…` : datum.label}
          </text>
          {segments}
          <text x={left + offset + 6} y={y} dominant-baseline="middle" class="bar-value">
            {format(total(datum))}
          </text>
        </g>
      );
    }
    return (
      <g key={datum.label}>
        {segments}
        {shown.has(index) && (
          <text
            x={PAD.left + index * slot + slot / 2}
            y={PAD.top + VERTICAL_HEIGHT + 18}
            text-anchor="middle"
          >
            {datum.label}
          </text>
        )}
      </g>
    );
  });

  return (
    <ChartFigure kind="bar-chart" height={height} chart={{ title, series, data, format }} legend>
      {!horizontal &&
        [0, 0.5, 1].map((fraction) => {
          const y = PAD.top + VERTICAL_HEIGHT - fraction * VERTICAL_HEIGHT;
          return (
            <g key={fraction} class="bar-grid">
              <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y} y2={y} />
              <text x={PAD.left - 6} y={y} text-anchor="end" dominant-baseline="middle">
                {format(Math.round(max * fraction))}
              </text>
            </g>
          );
        })}
      {bars}
    </ChartFigure>
  );
}

/**
 * What every chart shares: the figure and its caption, the SVG (named by the caption) holding
 * `children`, the legend when asked, and the visually hidden table of the numbers.
 */
function ChartFigure({
  kind,
  height,
  chart,
  legend,
  children,
}: {
  /** The figure's class. */
  kind: string;
  /** The SVG's height in view-box units (its width is always WIDTH). */
  height: number;
  chart: { title: string; series: BarSeries[]; data: BarDatum[]; format(value: number): string };
  /** Shows the series' colours under the chart, when there are two or more. */
  legend?: boolean;
  children: ComponentChildren;
}) {
  const { title, series, data, format } = chart;
  const id = useId();
  return (
    <figure class={kind}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-labelledby={`${id}-title`}
        preserveAspectRatio="xMidYMid meet"
      >
        <title>{title}</title>
        {children}
      </svg>
      {legend && series.length > 1 && (
        <ul class="bar-legend">
          {series.map((item) => (
            <li key={item.label}>
              <span class="bar-swatch" style={{ background: item.color }} aria-hidden="true" />
              {item.label}
            </li>
          ))}
        </ul>
      )}
      <ChartTable title={title} series={series} data={data} format={format} />
    </figure>
  );
}

/** The numbers of a chart as a visually hidden table, for screen readers and copy. */
export function ChartTable({
  title,
  series,
  data,
  format = defaultFormat,
}: {
  title: string;
  series: BarSeries[];
  data: BarDatum[];
  format?: (value: number) => string;
}) {
  return (
    <table class="visually-hidden">
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col" />
          {series.map((item) => (
            <th key={item.label} scope="col">
              {item.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {data.map((datum) => (
          <tr key={datum.label}>
            <th scope="row">{datum.label}</th>
            {datum.values.map((value, part) => (
              <td key={series[part]?.label ?? part}>{format(value)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A line chart (one line per series) drawn as inline SVG, with the same accessible table
 * fallback as the bar chart.
 */
export function LineChart({
  title,
  series,
  data,
  format = defaultFormat,
  maxLabels = 8,
}: Omit<BarChartProps, 'orientation'>) {
  const max = Math.max(1, ...data.flatMap((datum) => datum.values));
  const height = VERTICAL_HEIGHT + PAD.top + PAD.bottom;
  const step = (WIDTH - PAD.left - PAD.right) / Math.max(data.length - 1, 1);
  const x = (index: number) => PAD.left + index * step;
  const y = (value: number) => PAD.top + VERTICAL_HEIGHT - (value / max) * VERTICAL_HEIGHT;
  const shown = labelIndices(data.length, maxLabels);
  return (
    <ChartFigure
      kind="bar-chart line-chart"
      height={height}
      chart={{ title, series, data, format }}
    >
      {[0, 0.5, 1].map((fraction) => (
        <g key={fraction} class="bar-grid">
          <line
            x1={PAD.left}
            x2={WIDTH - PAD.right}
            y1={y(max * fraction)}
            y2={y(max * fraction)}
          />
          <text x={PAD.left - 6} y={y(max * fraction)} text-anchor="end" dominant-baseline="middle">
            {format(Math.round(max * fraction))}
          </text>
        </g>
      ))}
      {series.map((item, part) => (
        <polyline
          key={item.label}
          fill="none"
          stroke={item.color}
          stroke-width={2}
          points={data.map((datum, index) => `${x(index)},${y(datum.values[part] ?? 0)}`).join(' ')}
        />
      ))}
      {data.map((datum, index) =>
        shown.has(index) ? (
          <text
            key={datum.label}
            x={x(index)}
            y={PAD.top + VERTICAL_HEIGHT + 18}
            text-anchor="middle"
          >
            {datum.label}
          </text>
        ) : null,
      )}
    </ChartFigure>
  );
}
