// The activity plugins over an ID column and a timeline: activity_counts_metrics, activity_metrics,
// new_activity_metrics, sliding_window_counts and active_users_count (executed in execute/activity.ts).
import type { ActivityPlugin, Plan, ScalarExpr } from '../plan/types.js';
import type { KqlType } from '../values/index.js';
import { boundSchema, kindName, type LowerContext, list, spanOf, unsupported } from './context.js';
import { lowerScalar } from './scalar.js';

// Arguments before the dimension columns: IdColumn, TimelineColumn, Start, End, then the plugin's own.
const FIXED: Record<ActivityPlugin['name'], number> = {
  // (IdColumn, TimelineColumn, Start, End, Step [, dims]): activity-counts-metrics-plugin page.
  activity_counts_metrics: 5,
  // (IdColumn, TimelineColumn, [Start, End,] Window [, dims]): activity-metrics-plugin page; only the
  // form with Start and End is run (without them the analysis period is not documented).
  activity_metrics: 5,
  // (IdColumn, TimelineColumn, Start, End, Window [, Cohort] [, dims] [, Lookback]):
  // new-activity-metrics-plugin page; the Lookback table is not run.
  new_activity_metrics: 5,
  // (IdColumn, TimelineColumn, Start, End, LookbackWindow, Bin [, dims]): sliding-window-counts-plugin page.
  sliding_window_counts: 6,
  // (IdColumn, TimelineColumn, Start, End, LookbackWindow, Period, ActivePeriodsCount, Bin [, dims]):
  // active-users-count-plugin page.
  active_users_count: 8,
};

// Output columns after the timeline and dims, as the plugin pages list them.
const METRICS: Record<ActivityPlugin['name'], number> = {
  activity_counts_metrics: 4,
  activity_metrics: 4,
  // to_<timeline>, then five metrics.
  new_activity_metrics: 6,
  sliding_window_counts: 2,
  active_users_count: 1,
};

export function isActivityPlugin(name: string): name is ActivityPlugin['name'] {
  return Object.hasOwn(FIXED, name);
}

/** `T | evaluate <activity plugin>(...)`; a timeline that is not datetime or whole numbers is refused. */
export function lowerActivity(name: ActivityPlugin['name'], node: any, input: Plan, ctx: LowerContext): Plan {
  const args = list(node.FunctionCall.ArgumentList?.Expressions);
  const fixed = FIXED[name];
  if (args.length < fixed)
    throw unsupported(node, ctx, `evaluate ${name} with fewer than ${fixed} arguments`);
  if (args.some((a) => kindName(a) === 'SimpleNamedExpression'))
    throw unsupported(node, ctx, `evaluate ${name} with named arguments`);
  const row = (arg: any) => lowerScalar(arg, input, ctx);
  const id = row(args[0]);
  const time = row(args[1]);
  const numeric = time.type === 'long' || time.type === 'int';
  if (time.type !== 'datetime' && !numeric)
    throw unsupported(args[1], ctx, `evaluate ${name} over a ${time.type} timeline`);
  if (id.type === 'dynamic') throw unsupported(args[0], ctx, `evaluate ${name} over a dynamic IdColumn`);
  // A point on the timeline (Start, End) has its type; a length on it (step, lookback, period) is a
  // timespan for a datetime timeline. The week/month/year step strings are not run.
  const constant = (arg: any, types: KqlType[], what: string): ScalarExpr => {
    const expr = lowerScalar(arg, { schema: [] }, ctx);
    if (!types.includes(expr.type))
      throw unsupported(arg, ctx, `evaluate ${name} with a ${expr.type} ${what}`);
    return expr;
  };
  const points: KqlType[] = numeric ? ['long', 'int'] : ['datetime'];
  const lengths: KqlType[] = numeric ? ['long', 'int'] : ['timespan'];
  if (name === 'activity_metrics' && lowerScalar(args[2], { schema: [] }, ctx).type !== time.type)
    throw unsupported(node, ctx, 'evaluate activity_metrics without Start and End');
  const schema = boundSchema(node);
  // new_activity_metrics: the arguments beyond the dims (the binder's columns say how many) are the
  // Cohort, then the Lookback table.
  const extra =
    name === 'new_activity_metrics' ? args.length - fixed - (schema.length - 1 - METRICS[name]) : 0;
  if (extra > 1 || (extra === 1 && args.at(-1)?.ResultType?.Columns))
    throw unsupported(node, ctx, 'evaluate new_activity_metrics with a Lookback table');
  const plugin: ActivityPlugin =
    name === 'activity_counts_metrics' || name === 'activity_metrics'
      ? { name }
      : name === 'new_activity_metrics'
        ? extra === 1
          ? { name, cohort: constant(args[fixed], points, 'Cohort') }
          : { name }
        : name === 'sliding_window_counts'
          ? { name, lookback: constant(args[4], lengths, 'LookbackWindow') }
          : {
              name,
              lookback: constant(args[4], lengths, 'LookbackWindow'),
              period: constant(args[5], lengths, 'Period'),
              activePeriods: constant(args[6], ['long', 'int'], 'ActivePeriodsCount'),
            };
  const dims = args.slice(fixed + extra).map(row);
  if (schema.length !== 1 + dims.length + METRICS[name])
    throw unsupported(node, ctx, `evaluate ${name} output columns`);
  return {
    op: 'activity',
    input,
    plugin,
    id,
    time,
    start: constant(args[2], points, 'Start'),
    end: constant(args[3], points, 'End'),
    step: constant(args[fixed - 1], lengths, name.startsWith('activity') ? 'Step' : 'Bin'),
    dims,
    span: spanOf(node, ctx),
    schema,
  };
}
