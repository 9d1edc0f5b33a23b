// The activity plugins: activity_counts_metrics, activity_metrics, sliding_window_counts and
// active_users_count.
// Windows start at Start and follow each other every step up to End; a row belongs to the window
// holding its timeline value (bin_at(t, step, Start)). The pages leave some cases open, and those are
// refused rather than guessed: rows outside [Start, End] (before Start for active_users_count, which
// reads them as lookback), null or empty IDs, and windows without rows where the plugin would have to
// print one (Kusto may print a zero row or none).
import { UnsupportedError } from '../plan/errors.js';
import type { Plan } from '../plan/types.js';
import type { Value } from '../values/index.js';
import { emptyFrame, type Frame } from './frame.js';
import { compositeKey, keyOf } from './keys.js';
import { compileScalar, type Env } from './scalar.js';

type ActivityPlan = Extract<Plan, { op: 'activity' }>;

// Every window is materialised per dimension combination; a longer analysis is refused, not run out of memory.
const MAX_WINDOWS = 100_000;

interface Appearance {
  /** Timeline value as a whole number (ticks for datetime). */
  time: bigint;
  id: unknown;
}

interface Group {
  dims: Value[];
  rows: Appearance[];
}

export function executeActivity(plan: ActivityPlan, input: Frame, env: Env): Frame {
  const refuse = (why: string) =>
    new UnsupportedError(`evaluate ${plan.plugin.name}`, plan.span, `${plan.plugin.name}: ${why}`);
  const constant = (expr: ActivityPlan['start']): bigint => {
    const value = compileScalar(expr, emptyFrame([]), env)(0);
    const whole = wholeNumber(value);
    if (whole === undefined) throw refuse(`a null or fractional constant argument`);
    return whole;
  };
  const start = constant(plan.start);
  const end = constant(plan.end);
  const step = constant(plan.step);
  if (step <= 0n || end < start) throw refuse('an empty analysis period or a step that is not positive');
  const windows = Number((end - start) / step) + 1;
  if (windows > MAX_WINDOWS) throw refuse(`more than ${MAX_WINDOWS} windows between Start and End`);
  const windowOf = (t: bigint) => Number((t - start) / step);

  const id = compileScalar(plan.id, input, env);
  const time = compileScalar(plan.time, input, env);
  const dims = plan.dims.map((d) => compileScalar(d, input, env));
  const dimTypes = plan.dims.map((d) => d.type);
  const readsLookback = plan.plugin.name === 'active_users_count';
  const groups = new Map<string, Group>();
  for (let i = 0; i < input.length; i++) {
    const t = wholeNumber(time(i));
    if (t === undefined) throw refuse('a null or fractional TimelineColumn value');
    if (t > end || (t < start && !readsLookback))
      throw refuse(
        'a row outside the analysis period [Start, End] (how the plugin counts it is not documented)',
      );
    const value = id(i);
    if (value === null || value === '') throw refuse('a null or empty IdColumn value');
    const dimValues = dims.map((d) => d(i));
    const key = compositeKey(dimValues, dimTypes);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { dims: dimValues, rows: [] }));
    group.rows.push({ time: t, id: keyOf(value, plan.id.type) });
  }

  const out: Value[][][] = Array.from({ length: windows }, () => []);
  const timeValue = (k: number): Value => {
    const t = start + BigInt(k) * step;
    return plan.time.type === 'datetime' ? t : Number(t);
  };
  for (const group of groups.values()) {
    const perWindow = Array.from({ length: windows }, () => ({ count: 0, ids: new Set<unknown>() }));
    for (const row of group.rows) {
      if (row.time < start) continue;
      const w = perWindow[windowOf(row.time)];
      w.count++;
      w.ids.add(row.id);
    }
    const emit = (k: number, metrics: Value[]) => out[k].push([timeValue(k), ...group.dims, ...metrics]);
    switch (plan.plugin.name) {
      case 'activity_counts_metrics': {
        // count, dcount, new_dcount (IDs not seen in an earlier window), aggregated_dcount (IDs seen
        // from the first window through this one): https://learn.microsoft.com/kusto/query/activity-counts-metrics-plugin
        if (perWindow.some((w) => w.count === 0)) throw refuse('a window without rows');
        const seen = new Set<unknown>();
        perWindow.forEach((w, k) => {
          let fresh = 0;
          for (const v of w.ids) if (!seen.has(v)) fresh++;
          for (const v of w.ids) seen.add(v);
          emit(k, [w.count, w.ids.size, fresh, seen.size]);
        });
        break;
      }
      case 'activity_metrics': {
        // dcount_values, dcount_newvalues (IDs not in the previous window), retention_rate (IDs also in
        // the previous window / the previous window's IDs) and churn_rate (1 - retention_rate); the
        // first window has no previous one and both rates are NaN, as the page's example prints
        // (https://learn.microsoft.com/kusto/query/activity-metrics-plugin, Notes).
        if (perWindow.some((w) => w.count === 0)) throw refuse('a window without rows');
        perWindow.forEach((w, k) => {
          const previous = k > 0 ? perWindow[k - 1].ids : undefined;
          let retained = 0;
          for (const v of w.ids) if (previous?.has(v)) retained++;
          const retention = previous ? retained / previous.size : Number.NaN;
          emit(k, [w.ids.size, w.ids.size - retained, retention, previous ? 1 - retention : Number.NaN]);
        });
        break;
      }
      case 'new_activity_metrics': {
        // Each from-window's cohort (IDs first seen in it) against every later to-window
        // (https://learn.microsoft.com/kusto/query/new-activity-metrics-plugin): dcount_new_values is
        // the cohort's size when from = to, else the to-window's IDs not seen up to from (the page's R=1
        // and R=2 rows); retained and churned are the cohort's IDs seen and not seen in to, and the
        // rates their shares of the cohort. A to-window without rows prints zeros (R=6); a from-window
        // without new IDs is refused, since the page's example filters those rows away.
        const cohort = plan.plugin.cohort ? constant(plan.plugin.cohort) : undefined;
        if (cohort !== undefined && (cohort < start || cohort > end || (cohort - start) % step !== 0n))
          throw refuse('a Cohort that is not the start of a window');
        const seen = new Set<unknown>();
        perWindow.forEach((w, from) => {
          const fresh = [...w.ids].filter((v) => !seen.has(v));
          const through = new Set([...seen, ...w.ids]);
          if (cohort === undefined || from === windowOf(cohort)) {
            if (fresh.length === 0) throw refuse('a window without new IDs');
            for (let to = from; to < windows; to++) {
              const ids = perWindow[to].ids;
              const added = to === from ? fresh.length : [...ids].filter((v) => !through.has(v)).length;
              const retained = fresh.filter((v) => ids.has(v)).length;
              const churned = fresh.length - retained;
              out[from].push([
                timeValue(from),
                timeValue(to),
                ...group.dims,
                added,
                retained,
                churned,
                retained / fresh.length,
                churned / fresh.length,
              ]);
            }
          }
          for (const v of w.ids) seen.add(v);
        });
        break;
      }
      case 'sliding_window_counts': {
        // Count and dcount over the LookbackWindow ending at each bin, the lookback rounded down to a
        // whole number of bins: https://learn.microsoft.com/kusto/query/sliding-window-counts-plugin
        const bins = Number(constant(plan.plugin.lookback) / step);
        if (bins < 1) throw refuse('a LookbackWindow shorter than one Bin');
        perWindow.forEach((_, k) => {
          let count = 0;
          const ids = new Set<unknown>();
          for (let j = Math.max(0, k - bins + 1); j <= k; j++) {
            count += perWindow[j].count;
            for (const v of perWindow[j].ids) ids.add(v);
          }
          if (count === 0) throw refuse('a lookback window without rows');
          emit(k, [count, ids.size]);
        });
        break;
      }
      case 'active_users_count': {
        const plugin = plan.plugin;
        const active = activeUsers(group.rows, {
          start,
          lookback: constant(plugin.lookback),
          period: constant(plugin.period),
          minimum: Number(constant(plugin.activePeriods)),
          windowOf,
        });
        if (!active)
          throw refuse('appearances whose activity depends on how the lookback and periods are bounded');
        active.forEach((users, k) => {
          if (users > 0) emit(k, [users]);
        });
        break;
      }
    }
  }
  const rows = out.flat();
  return {
    schema: plan.schema,
    columns: plan.schema.map((_, c) => rows.map((r) => r[c])),
    length: rows.length,
  };
}

/**
 * active_users_count (https://learn.microsoft.com/kusto/query/active-users-count-plugin): per window,
 * the distinct IDs with an appearance in it at which the ID was seen in at least ActivePeriodsCount
 * distinct Periods within the LookbackWindow before it; windows without such an ID print no row (the
 * page's example leaves out a week with appearances but no active user). The lookback is (t - LookbackWindow, t]:
 * in the page's example B, seen on 6/30, 7/4 and 7/8, is not active on 7/8 (its week has no row), so 6/30
 * falls outside 7/8's 8-day lookback. The page does not say where Periods start (bin() from zero, or from
 * Start): both readings are computed and undefined is returned when they disagree.
 */
function activeUsers(
  rows: Appearance[],
  options: {
    start: bigint;
    lookback: bigint;
    period: bigint;
    minimum: number;
    windowOf: (t: bigint) => number;
  },
): number[] | undefined {
  const { start, lookback, period, minimum, windowOf } = options;
  if (period <= 0n || lookback < 0n) return undefined;
  const byId = new Map<unknown, bigint[]>();
  for (const row of rows) {
    const times = byId.get(row.id);
    if (times) times.push(row.time);
    else byId.set(row.id, [row.time]);
  }
  for (const times of byId.values()) times.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));
  let answer: string | undefined;
  let counts: number[] = [];
  for (const origin of [0n, start]) {
    const perWindow: Set<unknown>[] = [];
    for (const [id, times] of byId) {
      // A sliding window over the sorted appearances: the periods seen in (t - lookback, t], counted.
      const inWindow = new Map<bigint, number>();
      let left = 0;
      let right = 0;
      while (right < times.length) {
        const t = times[right];
        for (; right < times.length && times[right] === t; right++) {
          const p = floorDiv(times[right] - origin, period);
          inWindow.set(p, (inWindow.get(p) ?? 0) + 1);
        }
        for (; times[left] <= t - lookback; left++) {
          const p = floorDiv(times[left] - origin, period);
          const n = (inWindow.get(p) ?? 0) - 1;
          if (n === 0) inWindow.delete(p);
          else inWindow.set(p, n);
        }
        if (t < start || inWindow.size < minimum) continue;
        const k = windowOf(t);
        perWindow[k] ??= new Set();
        perWindow[k].add(id);
      }
    }
    const reading = Array.from(perWindow, (users) => users?.size ?? 0);
    const text = JSON.stringify(reading);
    if (answer !== undefined && text !== answer) return undefined;
    answer = text;
    counts = reading;
  }
  return counts;
}

/** A timeline value or constant as a whole number: datetime/timespan ticks, or an integral long. */
function wholeNumber(value: Value): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  return undefined;
}
