import { UnsupportedError } from '../plan/errors.js';
import { notSupported } from '../plan/refusals.js';
import type { AggregateCall } from '../plan/types.js';
import {
  DynReal,
  isBag,
  type Json,
  type KqlType,
  refuseMixedNumberKinds,
  refuseWideDecimal,
  type Value,
  valueToDynamic,
  WideDecimal,
  withinTickRange,
} from '../values/index.js';
import { decimalTotal } from './decimal-aggregates.js';
import type { Frame } from './frame.js';
import { hllAggregates } from './hll.js';
import { estimateCheck } from './hll-exact.js';
import { keyOf } from './keys.js';
import { compilePredicate, compileScalar, type Env, type RowFn } from './scalar.js';
import { compareForSort } from './sort.js';
import {
  distinctSorted,
  percentages,
  refuseEstimatedPercentile,
  weightedPercentile,
} from './weighted-percentile.js';

/** Running state of one aggregate for one group. */
export interface Accumulator {
  add(i: number): void;
  /** One value per output column of the call. */
  result(): Value[];
}

type Factory = (args: RowFn[], call: AggregateCall) => () => Accumulator;

// Kusto's make_list/make_set default to at most 1,048,576 elements (make_list() doc: MaxListSize).
const MAX_LIST_SIZE = 1_048_576;

const isTrue = (v: Value) => v === true;

/**
 * The arguments of an aggregate call compiled over a frame; the predicate of a conditional aggregate
 * (countif, sumif, …, hll_if) is only tested for truth, so it compiles as a predicate.
 */
export function compileAggregateArgs(call: AggregateCall, frame: Frame, env: Env): RowFn[] {
  const predicate = predicateArgument(call.fn);
  return wideDecimalArgs(
    call,
    call.args.map((arg, k) =>
      k === predicate ? compilePredicate(arg, frame, env) : compileScalar(arg, frame, env),
    ),
  );
}

/**
 * The aggregates that read a decimal a double cannot hold (values/wideDecimal.ts) exactly: they count,
 * compare (compareForSort) or key (keyOf) it. Any other aggregate given one refuses: stdev() skipped a
 * value that was not a number, percentile() failed formatting it.
 */
const WIDE_DECIMAL_AGGREGATES = new Set([
  'count',
  'countif',
  'dcount',
  'dcountif',
  'count_distinct',
  'count_distinctif',
  'min',
  'max',
  'minif',
  'maxif',
  'arg_max',
  'arg_min',
]);

function wideDecimalArgs(call: AggregateCall, args: RowFn[]): RowFn[] {
  if (WIDE_DECIMAL_AGGREGATES.has(call.fn)) return args;
  return args.map((arg, k) =>
    call.args[k]?.type === 'decimal'
      ? (i) => {
          const v = arg(i);
          if (v instanceof WideDecimal) refuseWideDecimal(`${call.fn}()`);
          return v;
        }
      : arg,
  );
}

export function predicateArgument(fn: string): number | undefined {
  if (fn === 'countif') return 0;
  if (fn === 'covarianceif' || fn === 'covariancepif') return 2;
  return fn.endsWith('if') && fn in factories ? 1 : undefined;
}

function dynamicOf(call: AggregateCall, index = 0): (v: Value) => Json {
  const type = call.args[index]?.type ?? 'dynamic';
  return (v) => valueToDynamic(v, type);
}

function maxSize(args: RowFn[], at: number): number {
  const n = args[at]?.(0);
  return typeof n === 'number' && n > 0 ? Math.min(n, MAX_LIST_SIZE) : MAX_LIST_SIZE;
}

// The hottest accumulators are classes: one small object per group instead of closures.
class Count implements Accumulator {
  n = 0;
  add(): void {
    this.n++;
  }
  result(): Value[] {
    return [this.n];
  }
}

const count: Factory = () => () => new Count();

/**
 * A real NaN counted by dcount()/count_distinct() (and their -if forms): the pages count distinct
 * values, but NaN is not equal to itself (`==` answers false) and none says whether NaN rows count once,
 * once each, or not at all (as null); the engine counted them once. Same class as the NaN group key
 * (group.ts) and the NaN join key (join.ts).
 */
export function refuseNaNDistinct(v: Value, call: AggregateCall): void {
  if (typeof v === 'number' && Number.isNaN(v))
    throw new UnsupportedError(
      `${call.fn}() of a NaN value`,
      call.span,
      `${call.fn}() over a NaN value: the page counts distinct values but does not say whether NaN (never equal to itself) counts once, once per row, or not at all; filter with not(isnan(x)) or replace it with iff(isnan(x), real(null), x)`,
    );
}

class DistinctCount implements Accumulator {
  readonly seen = new Set<unknown>();
  constructor(
    private readonly value: RowFn,
    private readonly type: KqlType,
    private readonly call: AggregateCall,
    private readonly predicate?: RowFn,
    private readonly check?: (n: number) => void,
  ) {}
  add(i: number): void {
    if (this.predicate && this.predicate(i) !== true) return;
    const v = this.value(i);
    refuseNaNDistinct(v, this.call);
    if (v !== null) this.seen.add(keyOf(v, this.type));
  }
  result(): Value[] {
    this.check?.(this.seen.size);
    return [this.seen.size];
  }
}

const countif: Factory =
  ([predicate]) =>
  () => {
    let n = 0;
    return {
      add: (i) => {
        if (isTrue(predicate(i))) n++;
      },
      result: () => [n],
    };
  };

/** Exact distinct count; dcount()'s HyperLogLog estimate is answered only where it is exact (hll-exact.ts). */
function distinctCount(conditional: boolean): Factory {
  return (args, call) => {
    const [value, predicate] = args;
    const type = call.args[0].type;
    const check = estimateCheck(call, args);
    return () => new DistinctCount(value, type, call, conditional ? predicate : undefined, check);
  };
}

function sum(conditional: boolean): Factory {
  return (args, call) => {
    if (call.outputs[0].type === 'decimal') return decimalTotal(args, call, conditional, false);
    const [value, predicate] = args;
    // Kusto.Language binds sum() of a datetime (typed datetime); the sum page sums numbers and what a
    // sum of points in time is, is not written (the engine answered the number 0 in a datetime column).
    if (call.outputs[0].type === 'datetime')
      throw new UnsupportedError(
        `${call.fn}() of a datetime`,
        call.span,
        `${call.fn}() of datetime values: the sum page does not define a sum of datetimes; refusing rather than guessing`,
      );
    if (call.outputs[0].type === 'timespan') {
      return () => {
        let total = 0n;
        return {
          add: (i) => {
            if (conditional && !isTrue(predicate(i))) return;
            const v = value(i);
            if (typeof v === 'bigint') total += v;
          },
          result: () => {
            // A timespan is 64 bits of ticks; a total beyond it overflows in a way no page gives.
            if (!withinTickRange(total))
              throw new UnsupportedError(
                `${call.fn}()`,
                call.span,
                `${call.fn}() of timespans beyond the 64-bit tick range, which no page answers`,
              );
            return [total];
          },
        };
      };
    }
    // A long total beyond 2^53 has lost digits (the engine's long is a double); any running total
    // past it may have, so it is refused rather than answered approximately.
    const long = call.outputs[0].type === 'long';
    return () => {
      let total = 0;
      let inexact = false;
      return {
        add: (i) => {
          if (conditional && !isTrue(predicate(i))) return;
          const v = value(i);
          if (typeof v === 'number') total += v;
          else if (typeof v === 'boolean') total += v ? 1 : 0;
          if (long && (total > Number.MAX_SAFE_INTEGER || total < -Number.MAX_SAFE_INTEGER)) inexact = true;
        },
        result: () => {
          if (inexact)
            throw new UnsupportedError(
              `${call.fn}()`,
              call.span,
              `${call.fn}() of longs reached beyond 2^53, which the engine cannot hold exactly`,
            );
          return [total];
        },
      };
    };
  };
}

function avg(conditional: boolean): Factory {
  return (args, call) => {
    if (call.outputs[0].type === 'decimal') return decimalTotal(args, call, conditional, true);
    const [value, predicate] = args;
    const isTimespan = call.args[0].type === 'timespan' || call.args[0].type === 'datetime';
    return () => {
      let total = 0;
      let n = 0;
      let ticks = 0n;
      return {
        add: (i) => {
          if (conditional && !isTrue(predicate(i))) return;
          const v = value(i);
          if (typeof v === 'number') {
            total += v;
            n++;
          } else if (typeof v === 'bigint') {
            ticks += v;
            n++;
          }
        },
        result: () => {
          // With no value to average (an empty input, or only nulls, which avg leaves out) the
          // division is 0 / 0: the summarize page prints avg_x as NaN over an empty input, "due to
          // dividing by 0" (https://learn.microsoft.com/kusto/query/summarize-operator). A timespan
          // has no NaN; nothing documents that case, so it stays null.
          if (n === 0) return [isTimespan ? null : Number.NaN];
          return [isTimespan ? ticks / BigInt(n) : total / n];
        },
      };
    };
  };
}

/**
 * Values whose min/max/arg_min/arg_max the pages leave open, refused as they meet the best so far:
 * a real NaN (the sort page orders NaN beside null, but the aggregate pages do not say whether NaN
 * is skipped like null, wins as in .NET's Math.Min/Max, or loses), and for a minimum, an empty
 * string against another one (strings are never null, '' stands for the missing value, and take_any
 * skips it; whether min() does, or takes '' as the least string, is not said). A maximum is the
 * same on both readings of ''. (https://learn.microsoft.com/kusto/query/min-aggregation-function)
 */
export function refuseOpenExtreme(v: Value, best: Value, sign: 1 | -1, call: AggregateCall): void {
  refuseNaNInOrder(v, call);
  const emptyMin =
    sign < 0 && typeof best === 'string' && typeof v === 'string' && (v === '') !== (best === '');
  if (emptyMin)
    throw new UnsupportedError(
      `${call.fn}()`,
      call.span,
      `${call.fn}() over an empty and a non-empty string: the page does not say whether the empty string is skipped`,
    );
}

/**
 * An aggregate that ranks its values (min/max, arg_min/arg_max, the percentile family) meeting a real
 * NaN: the sort page orders NaN beside null, but the aggregate pages do not say whether NaN is skipped
 * like null, ranked, or wins as in .NET's Math.Min/Max.
 */
export function refuseNaNInOrder(v: Value, call: AggregateCall): void {
  if (typeof v === 'number' && Number.isNaN(v))
    throw new UnsupportedError(
      `${call.fn}()`,
      call.span,
      `${call.fn}() over a NaN value: the page does not say whether NaN is skipped like null or compared`,
    );
}

function extreme(sign: 1 | -1, conditional: boolean): Factory {
  return (args, call) => {
    const [value, predicate] = args;
    const type = call.args[0].type;
    return () => {
      let best: Value = null;
      return {
        add: (i) => {
          if (conditional && !isTrue(predicate(i))) return;
          const v = value(i);
          if (v === null) return;
          refuseOpenExtreme(v, best, sign, call);
          if (best === null || sign * compareForSort(v, best, type) > 0) best = v;
        },
        result: () => [best === null && type === 'string' ? '' : best],
      };
    };
  };
}

/**
 * The refusal of arg_max/arg_min where several rows share the extreme value and differ in an output
 * the query reads. The pages say only that the function "Finds a row in the group that maximizes
 * ExprToMaximize" and "Returns a row in the group" (arg-max-aggregation-function,
 * arg-min-aggregation-function pages): which of the tied rows is not said, so, as for take_any, the
 * engine's first tied row is one correct answer and another tied row just as correct.
 */
export function tiedRowsDiffer(call: AggregateCall, output: number): UnsupportedError {
  const column = call.outputs[output]?.name;
  const extreme = call.fn === 'arg_min' ? 'minimizes' : 'maximizes';
  return new UnsupportedError(
    `${call.fn}() over tied rows that differ`,
    call.span,
    `${call.fn}() returns "a row in the group that ${extreme}" its first argument ` +
      `(${call.fn.replace('_', '-')}-aggregation-function page), which of several tied rows is not said, and the tied ` +
      `rows differ in${column && !column.startsWith('__') ? ` '${column}'` : ' a value'}, which the query reads; ` +
      'break the tie (a second arg_max over the tied rows, or a sort key that is unique) or make the values agree',
  );
}

/**
 * arg_max/arg_min: the other arguments' values at the row where the first is largest/smallest
 * (first such row kept; tied rows that differ in an observed output are refused, tiedRowsDiffer).
 * When every key of a group is null, Kusto still returns a row of the group: the page's
 * null-handling example answers `Banana | (null) | Yellow`, its first row
 * (https://learn.microsoft.com/kusto/query/arg-max-aggregation-function).
 */
function argExtreme(sign: 1 | -1): Factory {
  return (args, call) => {
    const type = call.args[0].type;
    const [value] = args;
    const observed = observedOutputs(call);
    return () => {
      let best: Value = null;
      let row = -1;
      let first = -1;
      let tied = candidateAgreement(args, call, observed);
      return {
        add: (i) => {
          if (first < 0) first = i;
          const v = value(i);
          if (v === null) return;
          refuseOpenExtreme(v, row < 0 ? null : best, sign, call);
          const order = row < 0 ? 1 : sign * compareForSort(v, best, type);
          if (order > 0) {
            best = v;
            row = i;
            tied = candidateAgreement(args, call, observed);
          }
          if (order >= 0) tied.add(i);
        },
        result: () => {
          tied.check(tiedRowsDiffer);
          const at = row >= 0 ? row : first;
          return args.map((f, k) => (at < 0 ? (call.outputs[k].type === 'string' ? '' : null) : f(at)));
        },
      };
    };
  };
}

/**
 * make_list / make_list_if / make_set / make_set_if add the elements of an array value, not the array:
 * make_set's page prints it ("Set from array column"), the geo_h3cell_rings page's
 * `mv-apply rings on (summarize cells = make_list(rings))` prints one flat list, and the
 * geo_polygon_to_h3cells page builds MultiPolygon coordinates with `make_list(pack_array(...))`, which
 * is only right if make_list concatenates. No page says what a group mixing arrays with other values
 * gives, what make_list_with_nulls does with arrays, or whether an explicit maxSize counts rows or
 * elements, so those are refused.
 */
function makeList(mode: 'list' | 'set' | 'list_with_nulls', conditional: boolean): Factory {
  return (args, call) => {
    const [value] = args;
    const predicate = conditional ? args[1] : undefined;
    const limit = maxSize(args, conditional ? 2 : 1);
    const toDynamic = dynamicOf(call);
    const spreads = call.args[0].type === 'dynamic';
    const refuse = (what: string) => {
      throw new UnsupportedError(
        `${call.fn}() ${what}`,
        call.span,
        `${call.fn}() ${what}: no page says what it gives`,
      );
    };
    return () => {
      const items: Json[] = [];
      const seen = mode === 'set' ? new Map<unknown, Json>() : undefined;
      // Whether the group's non-null values were arrays (true), other values (false), or none yet.
      let arrays: boolean | undefined;
      const push = (element: Json) => {
        if (!seen) {
          items.push(element);
          return;
        }
        // A boxed whole real keys as its number, so meeting the long of the same value is seen.
        const key = element instanceof DynReal ? element.value : keyOf(element, 'dynamic');
        const first = seen.get(key);
        if (first !== undefined) {
          refuseMixedNumberKinds(first, element, 'make_set');
          return;
        }
        seen.set(key, element);
        items.push(element);
      };
      return {
        add: (i) => {
          if (items.length >= limit) return;
          if (predicate && !isTrue(predicate(i))) return;
          const v = value(i);
          if (v === null && mode !== 'list_with_nulls') return;
          if (!spreads || v === null) return push(toDynamic(v));
          const isArray = Array.isArray(v);
          if (isArray && mode === 'list_with_nulls') refuse('of an array value');
          if (arrays !== undefined && arrays !== isArray) refuse('of arrays and other values in one group');
          arrays = isArray;
          if (!isArray) return push(toDynamic(v));
          for (const element of v as Json[]) {
            if (items.length >= limit) refuse('of arrays past its maxSize');
            push(element);
          }
        },
        result: () => [items],
      };
    };
  };
}

/**
 * make_bag / make_bag_if merge the property bags of the group; "Nondictionary values are skipped" and a
 * key met twice takes "an arbitrary value, out of the possible values for this key" (make-bag page):
 * a key met again with the same value answers, one met with another value is refused (either is
 * Kusto's answer). Which keys an explicit maxSize keeps is not said, so a bag that would pass it is
 * refused.
 */
function makeBag(conditional: boolean): Factory {
  return (args, call) => {
    const [value, predicate] = args;
    const limit = maxSize(args, conditional ? 2 : 1);
    return () => {
      const bag: Record<string, Json> = {};
      let size = 0;
      return {
        add: (i) => {
          if (conditional && !isTrue(predicate(i))) return;
          const v = value(i);
          if (!isBag(v)) return;
          for (const [k, item] of Object.entries(v)) {
            if (Object.hasOwn(bag, k)) {
              if (JSON.stringify(bag[k]) !== JSON.stringify(item))
                throw new UnsupportedError(
                  `${call.fn}() of a key with two values`,
                  call.span,
                  `${call.fn}() meets the key ${JSON.stringify(k)} with two values; the make_bag page keeps "an arbitrary value, out of the possible values for this key", so either is Kusto's answer`,
                );
              continue;
            }
            if (size >= limit)
              throw new UnsupportedError(
                `${call.fn}() past its maxSize`,
                call.span,
                `${call.fn}() past its maxSize: which keys are kept is not documented`,
              );
            bag[k] = item;
            size++;
          }
        },
        result: () => [bag],
      };
    };
  };
}

/**
 * The refusal of an arbitrary row's value that another row could have given differently. The
 * take-any page: take_any "Arbitrarily chooses one record for each group" and returns values "for
 * each of the records selected Indeterministically"; the take-anyif page: "randomly selected ...
 * Only records for which predicate returns 'true' may be selected"
 * (https://learn.microsoft.com/kusto/query/take-any-aggregation-function,
 * https://learn.microsoft.com/kusto/query/take-anyif-aggregation-function). The engine returns the
 * first candidate, one of the correct answers; where candidates differ in an output something
 * after the summarize reads (call.observed), another answer is just as correct.
 */
function arbitraryRowDiffers(call: AggregateCall, output: number): UnsupportedError {
  const column = call.outputs[output]?.name;
  return new UnsupportedError(
    `${call.fn}() over rows that differ`,
    call.span,
    `${call.fn}() returns the values of an arbitrarily chosen row (${
      call.fn.endsWith('if')
        ? '"Arbitrarily selects one record for each group ... for which the predicate is \'true\'", take-anyif-aggregation-function page'
        : '"Arbitrarily chooses one record for each group", take-any-aggregation-function page'
    }), and rows of one group that it may choose differ ` +
      `in${column && !column.startsWith('__') ? ` '${column}'` : ' a value'}, which the query reads; ` +
      'pick a row deterministically (arg_max/arg_min, min/max) or make the values agree',
  );
}

/**
 * Tracks whether the candidate rows of a group agree in the observed outputs: the first candidate's
 * keys, compared with each later candidate's (keyOf, as group keys compare).
 */
function candidateAgreement(args: RowFn[], call: AggregateCall, observed: number[]) {
  let first: unknown[] | undefined;
  let differs = -1;
  return {
    add(i: number) {
      if (differs >= 0 || observed.length === 0) return;
      if (!first) {
        first = observed.map((k) => keyOf(args[k](i), call.outputs[k].type));
        return;
      }
      const at = observed.findIndex(
        (k, n) => !Object.is(first?.[n], keyOf(args[k](i), call.outputs[k].type)),
      );
      if (at >= 0) differs = observed[at];
    },
    check(refusal = arbitraryRowDiffers) {
      if (differs >= 0) throw refusal(call, differs);
    },
  };
}

const observedOutputs = (call: AggregateCall) => call.observed ?? call.outputs.map((_, k) => k);
const isEmpty = (v: Value) => v === null || v === '';

/**
 * take_any(e1, e2, ...): the values of one arbitrary row of the group, all from the same row
 * ("all values are calculated over a single record", take-any page); the first row is returned.
 * "When the function is provided with a single column reference, it will attempt to return a
 * non-null/non-empty value, if such value is present": for a single column reference the
 * candidates are the rows with a non-empty value when there is one. Candidates that differ in an
 * observed output are refused (arbitraryRowDiffers).
 */
const takeAny: Factory = (args, call) => () => {
  const observed = observedOutputs(call);
  const preferFilled = args.length === 1 && call.args[0]?.kind === 'column';
  let row = -1;
  let filledRow = -1;
  const all = candidateAgreement(args, call, observed);
  const filled = candidateAgreement(args, call, observed);
  return {
    add: (i) => {
      if (row < 0) row = i;
      all.add(i);
      if (preferFilled && !isEmpty(args[0](i))) {
        if (filledRow < 0) filledRow = i;
        filled.add(i);
      }
    },
    result: () => {
      if (filledRow >= 0) filled.check();
      else all.check();
      const at = filledRow >= 0 ? filledRow : row;
      return args.map((f, k) => (at < 0 ? (call.outputs[k].type === 'string' ? '' : null) : f(at)));
    },
  };
};

/**
 * take_anyif(expr, predicate): an arbitrary row where the predicate is true; "If such a value is
 * present, the function attempts to return a non-null/non-empty value", and "If the predicate
 * doesn't return 'true', a null value is produced" (take-anyif page). The first such row with a
 * non-empty value is returned; candidates that differ, where the output is observed, are refused.
 */
const takeAnyIf: Factory = (args, call) => () => {
  const [value, predicate] = args;
  const observed = observedOutputs(call).filter((k) => k === 0);
  let found: Value | undefined;
  let fallback: Value | undefined;
  const filled = candidateAgreement([value], call, observed);
  const empties = candidateAgreement([value], call, observed);
  return {
    add: (i) => {
      if (!isTrue(predicate(i))) return;
      const v = value(i);
      if (!isEmpty(v)) {
        found ??= v;
        filled.add(i);
      } else {
        fallback ??= v;
        empties.add(i);
      }
    },
    result: () => {
      if (found !== undefined) filled.check();
      else empties.check();
      return [found ?? fallback ?? (call.outputs[0].type === 'string' ? '' : null)];
    },
  };
};

/** Sample variance (n-1) like Kusto's variance()/stdev(); the *p variants divide by n. */
function spread(kind: 'variance' | 'stdev', population: boolean, conditional: boolean): Factory {
  return ([value, predicate]) =>
    () => {
      const values: number[] = [];
      return {
        add: (i) => {
          if (conditional && !isTrue(predicate(i))) return;
          const v = value(i);
          if (typeof v === 'number') values.push(v);
        },
        result: () => {
          const n = values.length;
          if (n === 0 || (!population && n === 1)) return [0];
          const mean = values.reduce((a, b) => a + b, 0) / n;
          const squares = values.reduce((a, b) => a + (b - mean) ** 2, 0);
          const variance = squares / (population ? n : n - 1);
          return [kind === 'variance' ? variance : Math.sqrt(variance)];
        },
      };
    };
}

/**
 * covariance(x, y) (sample, n - 1) and covariancep(x, y) (population, n), rows where either value
 * is null being ignored (https://learn.microsoft.com/kusto/query/covariance-aggregation-function,
 * .../covariancep-aggregation-function). The *if forms take a predicate. What Kusto answers for
 * a group with no pair (or a single pair for the sample form) is not documented: refused.
 */
function covariance(population: boolean, conditional: boolean): Factory {
  return ([x, y, predicate], call) =>
    () => {
      const xs: number[] = [];
      const ys: number[] = [];
      return {
        add: (i) => {
          if (conditional && !isTrue(predicate(i))) return;
          const a = x(i);
          const b = y(i);
          if (typeof a === 'number' && typeof b === 'number') {
            xs.push(a);
            ys.push(b);
          }
        },
        result: () => {
          const n = xs.length;
          if (n === 0 || (!population && n === 1))
            throw new UnsupportedError(
              `${call.fn}()`,
              call.span,
              `${call.fn}() of fewer than two pairs is not documented`,
            );
          const mx = xs.reduce((a, b) => a + b, 0) / n;
          const my = ys.reduce((a, b) => a + b, 0) / n;
          let sum = 0;
          for (let k = 0; k < n; k++) sum += (xs[k] - mx) * (ys[k] - my);
          return [sum / (population ? n : n - 1)];
        },
      };
    };
}

/**
 * binary_all_and/or/xor(expr): the 64-bit bitwise fold of the group's values
 * (https://learn.microsoft.com/kusto/query/binary-all-and-aggregation-function and siblings).
 * Nulls are skipped; a group without a value gives null. Kusto.Language binds a real argument too; the pages take a long,
 * and how a fraction or NaN turns into bits is not written, so a non-integer value is refused (the
 * engine failed on NaN and truncated 2.5), as is a result beyond 2^53, which the engine cannot hold.
 */
function bitwiseFold(op: (a: bigint, b: bigint) => bigint): Factory {
  return ([value], call) =>
    () => {
      let acc: bigint | null = null;
      const refuse = (what: string): never => {
        throw new UnsupportedError(
          `${call.fn}()`,
          call.span,
          `${call.fn}() ${what}; refusing rather than guessing`,
        );
      };
      return {
        add: (i) => {
          const v = value(i);
          if (typeof v !== 'number') return;
          if (!Number.isInteger(v)) refuse(`of the non-integer ${v}: its page folds the bits of longs`);
          const bits = BigInt.asIntN(64, BigInt(v));
          acc = acc === null ? bits : BigInt.asIntN(64, op(acc, bits));
        },
        result: () => {
          if (acc === null) return [null];
          const n = Number(acc);
          if (!Number.isSafeInteger(n))
            refuse('produced a long beyond 2^53, which the engine cannot hold exactly');
          return [n];
        },
      };
    };
}

/**
 * Nearest-rank percentile over the exact values, answered only where it is Kusto's T-Digest estimate
 * too (refuseEstimatedPercentile).
 */
function percentile(multi: 'one' | 'columns' | 'array'): Factory {
  return (args, call) => {
    const [value, ...percentArgs] = args;
    const type = call.args[0].type;
    const percents = percentages(percentArgs, call);
    return () => {
      const values: Value[] = [];
      return {
        add: (i) => {
          const v = value(i);
          if (v === null) return;
          refuseNaNInOrder(v, call);
          values.push(v);
        },
        result: () => {
          const compare = (a: Value, b: Value) => compareForSort(a, b, type);
          values.sort(compare);
          refuseEstimatedPercentile(call, percents, distinctSorted(values, compare));
          const pick = (p: number): Value => {
            if (values.length === 0) return null;
            const rank = Math.max(1, Math.ceil((p / 100) * values.length));
            return values[Math.min(rank, values.length) - 1];
          };
          const picked = percents.map(pick);
          if (multi === 'array') return [picked.map((v) => valueToDynamic(v, type))];
          return multi === 'one' ? [picked[0]] : picked;
        },
      };
    };
  };
}

const factories: Record<string, Factory> = {
  ...hllAggregates,
  count,
  countif,
  dcount: distinctCount(false),
  count_distinct: distinctCount(false),
  dcountif: distinctCount(true),
  count_distinctif: distinctCount(true),
  sum: sum(false),
  sumif: sum(true),
  avg: avg(false),
  avgif: avg(true),
  min: extreme(-1, false),
  max: extreme(1, false),
  minif: extreme(-1, true),
  maxif: extreme(1, true),
  arg_max: argExtreme(1),
  arg_min: argExtreme(-1),
  make_list: makeList('list', false),
  make_list_if: makeList('list', true),
  make_list_with_nulls: makeList('list_with_nulls', false),
  make_set: makeList('set', false),
  make_set_if: makeList('set', true),
  make_bag: makeBag(false),
  make_bag_if: makeBag(true),
  take_any: takeAny,
  any: takeAny,
  take_anyif: takeAnyIf,
  stdev: spread('stdev', false, false),
  stdevif: spread('stdev', false, true),
  stdevp: spread('stdev', true, false),
  variance: spread('variance', false, false),
  varianceif: spread('variance', false, true),
  variancep: spread('variance', true, false),
  variancepif: spread('variance', true, true),
  covariance: covariance(false, false),
  covarianceif: covariance(false, true),
  covariancep: covariance(true, false),
  covariancepif: covariance(true, true),
  binary_all_and: bitwiseFold((a, b) => a & b),
  binary_all_or: bitwiseFold((a, b) => a | b),
  binary_all_xor: bitwiseFold((a, b) => a ^ b),
  percentile: percentile('one'),
  percentiles: percentile('columns'),
  percentiles_array: percentile('array'),
  percentilew: weightedPercentile('one'),
  percentilesw: weightedPercentile('columns'),
  percentilesw_array: weightedPercentile('array'),
};

/** Whether the aggregate function of this name is implemented (for the refusal list). */
export function isImplementedAggregate(name: string): boolean {
  return Object.hasOwn(factories, name);
}

/**
 * A fresh-accumulator factory for the call over `args` from compileAggregateArgs (which refuses wide
 * decimals where the aggregate does not read them exactly), or UnsupportedError naming it.
 */
export function aggregateFactory(call: AggregateCall, args: RowFn[]): () => Accumulator {
  const factory = factories[call.fn];
  if (!factory)
    throw new UnsupportedError(
      `${call.fn}()`,
      call.span,
      notSupported(`${call.fn}()`, `aggregate ${call.fn}()`),
    );
  return factory(args, call);
}
