import type { Plan } from '../plan/types.js';
import type { Value } from '../values/index.js';
import { type Frame, gather, lazyColumns } from './frame.js';
import { compositeKey, keyOf } from './keys.js';

type JoinPlan = Extract<Plan, { op: 'join' }>;

/** Key of each row, or undefined when a key column is null: null keys never match (as in SQL). */
function rowKeys(frame: Frame, keyColumns: number[]): (unknown | undefined)[] {
  const cols = keyColumns.map((c) => frame.columns[c]);
  const types = keyColumns.map((c) => frame.schema[c].type);
  const keys: (unknown | undefined)[] = new Array(frame.length);
  const values: Value[] = new Array(cols.length);
  for (let i = 0; i < frame.length; i++) {
    let hasNull = false;
    for (let k = 0; k < cols.length; k++) {
      values[k] = cols[k][i];
      if (values[k] === null) hasNull = true;
    }
    keys[i] = hasNull
      ? undefined
      : cols.length === 1
        ? keyOf(values[0], types[0])
        : compositeKey(values, types);
  }
  return keys;
}

function buildIndex(keys: (unknown | undefined)[]): Map<unknown, number[]> {
  const index = new Map<unknown, number[]>();
  keys.forEach((key, i) => {
    if (key === undefined) return;
    const rows = index.get(key);
    if (rows) rows.push(i);
    else index.set(key, [i]);
  });
  return index;
}

/**
 * Hash join with Kusto's flavors. innerunique (the default) first drops left rows whose key was
 * already seen, keeping the first; then it is an inner join.
 */
export function hashJoin(plan: JoinPlan, left: Frame, right: Frame): Frame {
  const leftKeys = rowKeys(left, plan.leftKeys);
  const rightKeys = rowKeys(right, plan.rightKeys);
  const rightIndex = buildIndex(rightKeys);
  const leftRows: number[] = [];
  const rightRows: number[] = [];
  const pair = (l: number, r: number) => {
    leftRows.push(l);
    rightRows.push(r);
  };
  const kind = plan.kind;
  if (kind === 'rightanti' || kind === 'rightsemi') {
    const leftIndex = buildIndex(leftKeys);
    rightKeys.forEach((key, r) => {
      const matched = key !== undefined && leftIndex.has(key);
      if (matched === (kind === 'rightsemi')) pair(-1, r);
    });
  } else {
    const seenLeft = kind === 'innerunique' ? new Set<unknown>() : undefined;
    const matchedRight =
      kind === 'rightouter' || kind === 'fullouter' ? new Uint8Array(right.length) : undefined;
    leftKeys.forEach((key, l) => {
      if (seenLeft) {
        if (key === undefined || seenLeft.has(key)) return;
        seenLeft.add(key);
      }
      const matches = key === undefined ? undefined : rightIndex.get(key);
      switch (kind) {
        case 'leftanti':
          if (!matches) pair(l, -1);
          return;
        case 'leftsemi':
          if (matches) pair(l, -1);
          return;
        case 'leftouter':
        case 'fullouter':
          if (!matches) {
            pair(l, -1);
            return;
          }
          break;
        default:
          if (!matches) return;
      }
      for (const r of matches!) {
        pair(l, r);
        if (matchedRight) matchedRight[r] = 1;
      }
    });
    if (matchedRight) {
      for (let r = 0; r < right.length; r++) if (!matchedRight[r]) pair(-1, r);
    }
  }
  const leftColumns = gather(left, leftRows);
  const rightColumns = gather(right, rightRows);
  return {
    schema: plan.schema,
    columns: lazyColumns(plan.output.length, (k) => {
      const [side, c] = plan.output[k];
      return side === 'left' ? leftColumns[c] : rightColumns[c];
    }),
    length: leftRows.length,
  };
}
