// A stacked bar chart per day (Chart.js on a canvas) with its text alternative: the canvas has a
// one-sentence summary as its accessible name, and a visually hidden table holds every value.
// Canvas colours cannot read CSS variables, so they are taken from the figure's computed style and
// the chart is drawn again when the theme (or the system's scheme) changes.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { useTheme } from '../shell/theme';
import type { ChartSeries } from './usage-series';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

// Mid-tone colours that read on both the light and the dark background.
const PALETTE = ['#4f7fe0', '#e3a63f', '#45b97f', '#d9607c', '#8e6ad8', '#3bb3c3', '#b98a45', '#8a90a0'];

interface StackedBarChartProps {
  title: string;
  days: string[];
  series: ChartSeries[];
  format: (value: number) => string;
  /** The accessible name of the canvas: what the chart says, in a sentence. */
  summary: string;
  testId: string;
}

export function StackedBarChart({ title, days, series, format, summary, testId }: StackedBarChartProps) {
  const figureRef = useRef<HTMLElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const theme = useTheme();
  const systemDark = useSystemDark();

  useEffect(() => {
    const figure = figureRef.current;
    const canvas = canvasRef.current;
    if (!figure || !canvas) return;
    const style = getComputedStyle(figure);
    const text = style.color;
    const grid = style.borderTopColor;
    const chart = new Chart(canvas, {
      type: 'bar',
      data: {
        labels: days.map((day) => day.slice(5)),
        datasets: series.map((entry, index) => ({
          label: entry.label,
          data: entry.values,
          backgroundColor: PALETTE[index % PALETTE.length],
          borderWidth: 0,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        // Live updates redraw the chart; an animation on each would only distract.
        animation: false,
        scales: {
          x: {
            stacked: true,
            ticks: { color: text, maxRotation: 0, autoSkip: true },
            grid: { display: false },
          },
          y: {
            stacked: true,
            beginAtZero: true,
            ticks: { color: text, callback: (value) => format(Number(value)) },
            grid: { color: grid },
          },
        },
        plugins: {
          legend: { position: 'bottom', labels: { color: text, boxWidth: 12 } },
          tooltip: {
            callbacks: {
              title: (items) => days[items[0]?.dataIndex ?? 0] ?? '',
              label: (item) =>
                `${item.dataset.label ?? ''}: ${item.raw === null ? 'unknown' : format(Number(item.raw))}`,
            },
          },
        },
      },
    });
    return () => chart.destroy();
  }, [days, series, format, theme, systemDark]);

  return (
    <figure className="usage-chart" ref={figureRef} data-testid={testId}>
      <figcaption className="usage-chart-title">{title}</figcaption>
      <div className="usage-chart-canvas">
        <canvas ref={canvasRef} role="img" aria-label={summary} />
      </div>
      <table className="visually-hidden">
        <caption>{title}, per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {series.map((entry) => (
              <th scope="col" key={entry.label}>
                {entry.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {days.map((day, index) => (
            <tr key={day}>
              <th scope="row">{day}</th>
              {series.map((entry) => {
                const value = entry.values[index];
                return <td key={entry.label}>{value === null ? 'unknown' : format(value)}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)');

function useSystemDark(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const query = darkQuery();
      query.addEventListener('change', onChange);
      return () => query.removeEventListener('change', onChange);
    },
    () => darkQuery().matches,
  );
}
