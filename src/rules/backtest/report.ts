import { formatDateTime, TICKS_PER_DAY } from '../../kql/values/index.js';
import { dayStart, type RuleBacktest } from './backtest.js';

const BARS = '▁▂▃▄▅▆▇█';

/** One character per value, scaled to the largest; a space for zero so quiet days stand out. */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values
    .map((v) =>
      v <= 0 || max === 0 ? ' ' : BARS[Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1)))],
    )
    .join('');
}

/** A text table: rule, alerts/day and incidents/day (average, max, sparkline), budget verdict. */
export function formatBacktestReport(results: readonly RuleBacktest[], from: bigint): string {
  const header = [
    'rule',
    'runs',
    'alerts',
    'alerts/day avg max',
    'per day',
    'incidents',
    'inc/day avg max',
    'per day',
    'budget',
  ];
  const rows = results.map((r) => {
    const days = r.alertsPerDay.length;
    const budget = r.rule.maxAlertsPerDay;
    const verdict = r.error
      ? 'ERROR'
      : budget === undefined
        ? '-'
        : r.overBudgetDays.length > 0
          ? `OVER ${budget}/day on ${r.overBudgetDays.map((d) => formatDateTime(dayStart(from) + BigInt(d) * TICKS_PER_DAY).slice(0, 10)).join(', ')}`
          : `ok (${budget}/day)`;
    return [
      r.rule.name,
      String(r.runs),
      String(r.alerts),
      `${(r.alerts / days).toFixed(1)} ${Math.max(0, ...r.alertsPerDay)}`,
      sparkline(r.alertsPerDay),
      String(r.incidents),
      `${(r.incidents / days).toFixed(1)} ${Math.max(0, ...r.incidentsPerDay)}`,
      sparkline(r.incidentsPerDay),
      verdict,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => [...row[i]].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c + ' '.repeat(widths[i] - [...c].length))
      .join('  ')
      .trimEnd();
  const errors = results.filter((r) => r.error).map((r) => `${r.file}: ${r.error}`);
  return [line(header), ...rows.map(line), ...(errors.length > 0 ? ['', ...errors] : [])].join('\n');
}

/** `[#####.....] 42%` for a TTY progress line. */
export function progressBar(done: number, width = 30): string {
  const filled = Math.round(done * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(done * 100)}%`;
}
