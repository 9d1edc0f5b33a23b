// Charts for the local SOC UI with Chart.js (bundled into app.js by esbuild, so the page loads no
// inline script). Only the controllers and elements used are registered, which keeps the bundle small.
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PieController,
  PointElement,
  Tooltip,
} from 'chart.js';

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PieController,
  PointElement,
  Tooltip,
);

export type ChartKind = 'bar' | 'line' | 'pie';

export interface Series {
  label: string;
  /** null leaves a gap. */
  data: (number | null)[];
  /** Drawn dashed: a budget or target line rather than data. */
  dashed?: boolean;
}

const palette = ['#1b5e9c', '#c0392b', '#e67e22', '#27ae60', '#8e44ad', '#16a085', '#7f8c8d', '#d35400'];

export interface ChartOptions {
  /** Stacks bars, or areas. */
  stacked?: boolean;
  height?: number;
  /** Bars along the y axis (Kusto's barchart; a columnchart is vertical). */
  horizontal?: boolean;
  /** Fills lines down to the axis (an area chart). */
  area?: boolean;
  /** A sparkline: no caption, legend or axes (the title stays as the canvas's accessible name). */
  compact?: boolean;
  /** The labels' times (epoch ms): x becomes a linear time axis instead of evenly spaced categories. */
  times?: number[];
}

/** A canvas with a chart of `series` over `labels`. */
export function chart(
  title: string,
  kind: ChartKind,
  labels: string[],
  series: Series[],
  options: ChartOptions = {},
): HTMLElement {
  const times = options.times;
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', title);
  const figure = document.createElement('figure');
  figure.style.height = `${options.height ?? 240}px`;
  figure.style.margin = options.compact ? '0' : '0 0 1rem';
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  figure.append(...(options.compact ? [] : [caption]), canvas);
  new Chart(canvas, {
    type: kind,
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.label,
        data: times ? s.data.map((y, j) => ({ x: times[j], y })) : s.data,
        borderColor: kind === 'pie' ? undefined : palette[i % palette.length],
        backgroundColor:
          kind === 'pie' ? labels.map((_, j) => palette[j % palette.length]) : palette[i % palette.length],
        borderDash: s.dashed ? [6, 4] : undefined,
        pointRadius: s.dashed ? 0 : 2,
        fill: options.area ? (options.stacked && i > 0 ? '-1' : 'origin') : false,
      })),
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      indexAxis: options.horizontal ? 'y' : 'x',
      plugins: { legend: { display: !options.compact } },
      scales:
        kind === 'pie'
          ? {}
          : {
              x: {
                display: !options.compact,
                stacked: options.stacked ?? false,
                beginAtZero: options.horizontal ?? false,
                ...(times
                  ? {
                      type: 'linear' as const,
                      ticks: {
                        callback: (value: string | number) =>
                          new Date(Number(value)).toISOString().slice(0, 16),
                      },
                    }
                  : {}),
              },
              y: {
                display: !options.compact,
                stacked: options.stacked ?? false,
                beginAtZero: !options.horizontal,
              },
            },
    },
  });
  return figure;
}

/** Frees the charts under `root` before it is replaced: Chart.js keeps every chart it draws until destroyed. */
export function releaseCharts(root: Element): void {
  for (const canvas of root.querySelectorAll('canvas')) Chart.getChart(canvas)?.destroy();
}
