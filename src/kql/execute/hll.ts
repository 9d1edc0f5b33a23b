// hll(), hll_if() and the hll_merge() aggregate over the exact stand-in of functions/hllSketch.ts.

import { DEFAULT_ACCURACY, mergeSketches, sketchKey, sketchOf } from '../functions/hllSketch.js';
import { UnsupportedError } from '../plan/errors.js';
import type { AggregateCall } from '../plan/types.js';
import type { Value } from '../values/index.js';
import type { Accumulator } from './aggregates.js';
import type { RowFn } from './scalar.js';

type Factory = (args: RowFn[], call: AggregateCall) => () => Accumulator;

/** The constant accuracy argument at `at` (hll page: levels 0 to 4, default 1). */
function accuracyOf(args: RowFn[], at: number, call: AggregateCall): number {
  const level = args[at] ? Number(args[at](0)) : DEFAULT_ACCURACY;
  if (!Number.isInteger(level) || level < 0 || level > 4)
    throw new UnsupportedError(
      `${call.fn}()`,
      call.span,
      `${call.fn}(): accuracy ${level} is not a level from 0 to 4`,
    );
  return level;
}

function sketch(conditional: boolean): Factory {
  return (args, call) => {
    const [value, predicate] = args;
    const type = call.args[0].type;
    const accuracy = accuracyOf(args, conditional ? 2 : 1, call);
    return () => {
      const keys = new Set<string>();
      return {
        add: (i) => {
          if (conditional && predicate(i) !== true) return;
          const v = value(i);
          if (v !== null) keys.add(sketchKey(v, type));
        },
        result: () => [sketchOf(accuracy, type, keys)],
      };
    };
  };
}

const merge: Factory =
  ([value], call) =>
  () => {
    const sketches: Value[] = [];
    return {
      add: (i) => {
        sketches.push(value(i));
      },
      result: () => {
        try {
          return [mergeSketches(sketches, 'hll_merge')];
        } catch (error) {
          if (error instanceof Error) throw new UnsupportedError('hll_merge()', call.span, error.message);
          throw error;
        }
      },
    };
  };

export const hllAggregates: Record<string, Factory> = {
  hll: sketch(false),
  hll_if: sketch(true),
  hll_merge: merge,
};
