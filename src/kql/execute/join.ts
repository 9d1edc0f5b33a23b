import type { Plan } from '../plan/types.js';
import type { Value } from '../values/index.js';
import type { DictionaryVector } from './columnar.js';
import { type Frame, gather, indirectReaders, lazyColumns } from './frame.js';
import { compositeKey, keyOf } from './keys.js';
import { NumberIds } from './number-ids.js';

type JoinPlan = Extract<Plan, { op: 'join' }>;

/** How one key column's values become Map keys. */
type KeyNormalizer = (value: Value) => unknown;

/**
 * The Map key of a value: its raw value when both sides' key columns have the same type (equal
 * exactly when the values are), else its text, so that differently typed keys compare as
 * compositeKey would compare them.
 */
function normalizers(plan: JoinPlan, left: Frame, right: Frame): Record<'left' | 'right', KeyNormalizer[]> {
  const sides = { left: [] as KeyNormalizer[], right: [] as KeyNormalizer[] };
  plan.leftKeys.forEach((lc, k) => {
    const leftType = left.schema[lc].type;
    const rightType = right.schema[plan.rightKeys[k]].type;
    const raw = plan.leftKeys.length === 1 || leftType === rightType;
    sides.left.push(raw ? (v) => keyOf(v, leftType) : (v) => compositeKey([v], [leftType]));
    sides.right.push(raw ? (v) => keyOf(v, rightType) : (v) => compositeKey([v], [rightType]));
  });
  return sides;
}

/**
 * Dense ids for key tuples. Each key column's normalized values get dense codes (one Map per
 * column, shared by both sides), then a tuple of codes gets its id from a NumberIds table over a number
 * made of the codes, so no per-row key string or per-value Map is built. A row whose key has a
 * null never gets an id (-1): null keys never match (as in SQL). Ids are given in order of first
 * appearance on the side that inserts, which must be read first.
 */
class KeyIds {
  private readonly codes: Map<unknown, number>[] = [];
  private readonly tuples = new NumberIds();
  private readonly textTuples = new Map<string, number>();
  size = 0;

  /**
   * Per key column, the codes of the dictionary both sides share (a self-join of a columnar
   * table), which stand for the values: dense codes come from a table, with no hashing.
   */
  private readonly fromDictionary: (Int32Array | undefined)[];

  constructor(shared: (DictionaryVector | undefined)[]) {
    this.fromDictionary = shared.map((d) => d && new Int32Array(d.dictionary.length + 1).fill(-1));
  }

  /** Id of each row's key in `frame`'s `columns`; new keys get new ids only when `insert`. */
  rows(frame: Frame, columns: number[], normalize: KeyNormalizer[], insert: boolean): Int32Array {
    const perColumn = columns.map((c, k) => {
      const table = this.fromDictionary[k];
      const dictionary = table && frame.dictionary?.(c);
      return table && dictionary
        ? this.dictionaryCodes(dictionary.codes, table, k, insert)
        : this.columnCodes(frame.columns[c], normalize[k], k, insert);
    });
    if (perColumn.length === 1) {
      if (insert) this.size = this.codes[0].size;
      return perColumn[0];
    }
    const widths = this.codes.map((m) => m.size);
    const ids = new Int32Array(frame.length);
    if (widths.reduce((a, b) => a * b, 1) > Number.MAX_SAFE_INTEGER) {
      this.textRows(perColumn, ids, insert);
      return ids;
    }
    const { tuples } = this;
    for (let i = 0; i < frame.length; i++) {
      let tuple = 0;
      for (let k = 0; k < perColumn.length && tuple !== -1; k++) {
        const code = perColumn[k][i];
        tuple = code < 0 ? -1 : tuple * widths[k] + code;
      }
      ids[i] = tuple === -1 ? -1 : insert ? tuples.add(tuple) : tuples.get(tuple);
    }
    if (insert) this.size = tuples.size;
    return ids;
  }

  /** Ids of code tuples too wide for one number, by their text. */
  private textRows(perColumn: Int32Array[], ids: Int32Array, insert: boolean): void {
    for (let i = 0; i < ids.length; i++) {
      let tuple: string | undefined = '';
      for (let k = 0; k < perColumn.length && tuple !== undefined; k++) {
        const code = perColumn[k][i];
        tuple = code < 0 ? undefined : `${tuple},${code}`;
      }
      let id = tuple === undefined ? -1 : this.textTuples.get(tuple);
      if (id === undefined) {
        id = insert ? this.size++ : -1;
        if (insert && tuple !== undefined) this.textTuples.set(tuple, id);
      }
      ids[i] = id;
    }
  }

  /** Dense codes of dictionary codes; a null (-1) has none. */
  private dictionaryCodes(source: Int32Array, table: Int32Array, k: number, insert: boolean): Int32Array {
    this.codes[k] ??= new Map();
    const counter = this.codes[k];
    const out = new Int32Array(source.length);
    for (let i = 0; i < source.length; i++) {
      const slot = source[i] + 1;
      let code = slot === 0 ? -1 : table[slot];
      if (code < 0 && slot > 0 && insert) {
        code = table[slot] = counter.size;
        // The Map only counts this column's codes (its size is the tuple width).
        counter.set(slot, code);
      }
      out[i] = code;
    }
    return out;
  }

  private columnCodes(values: Value[], normalize: KeyNormalizer, k: number, insert: boolean): Int32Array {
    this.codes[k] ??= new Map();
    const codes = this.codes[k];
    const out = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null) {
        out[i] = -1;
        continue;
      }
      const key = normalize(v);
      let code = codes.get(key);
      if (code === undefined) {
        code = insert ? codes.size : -1;
        if (insert) codes.set(key, code);
      }
      out[i] = code;
    }
    return out;
  }
}

/**
 * The rows of each key laid out contiguously (a counting sort by key id): the rows with key id are
 * rows[start[id]] .. rows[start[id + 1] - 1], in ascending order.
 */
function rowsByKey(ids: Int32Array, keyCount: number): { start: Int32Array; rows: Int32Array } {
  const start = new Int32Array(keyCount + 1);
  for (let r = 0; r < ids.length; r++) if (ids[r] >= 0) start[ids[r] + 1]++;
  for (let id = 0; id < keyCount; id++) start[id + 1] += start[id];
  const fill = start.slice(0, keyCount);
  const rows = new Int32Array(start[keyCount]);
  for (let r = 0; r < ids.length; r++) if (ids[r] >= 0) rows[fill[ids[r]]++] = r;
  return { start, rows };
}

/**
 * Hash join with Kusto's flavors, built on the right side and probed with the left in its order,
 * so that matches come out left row by left row, each with its right rows in order. innerunique
 * (the default) first drops left rows whose key was already seen, keeping the first; then it is
 * an inner join.
 */
export function hashJoin(plan: JoinPlan, left: Frame, right: Frame): Frame {
  const shared = plan.leftKeys.map((lc, k) => {
    const l = left.dictionary?.(lc);
    const r = right.dictionary?.(plan.rightKeys[k]);
    return l && r && l.dictionary === r.dictionary ? l : undefined;
  });
  const keys = new KeyIds(shared);
  const normalize = normalizers(plan, left, right);
  // Plain arrays, not typed ones: their memory counts against the query worker's heap budget, which
  // is what stops a runaway join (a typed array's buffer lives outside the heap the budget limits).
  const leftRows: number[] = [];
  const rightRows: number[] = [];
  const pair = (l: number, r: number) => {
    leftRows.push(l);
    rightRows.push(r);
  };
  const kind = plan.kind;
  if (kind === 'rightanti' || kind === 'rightsemi') {
    keys.rows(left, plan.leftKeys, normalize.left, true);
    const rightIds = keys.rows(right, plan.rightKeys, normalize.right, false);
    for (let r = 0; r < right.length; r++) {
      if (rightIds[r] >= 0 === (kind === 'rightsemi')) pair(-1, r);
    }
  } else {
    const rightIds = keys.rows(right, plan.rightKeys, normalize.right, true);
    const leftIds = keys.rows(left, plan.leftKeys, normalize.left, false);
    const byKey = rowsByKey(rightIds, keys.size);
    // Keys absent from the right side have no id, and no match whatever innerunique keeps of them.
    const seenLeft = kind === 'innerunique' ? new Uint8Array(keys.size) : undefined;
    const matchedRight =
      kind === 'rightouter' || kind === 'fullouter' ? new Uint8Array(right.length) : undefined;
    for (let l = 0; l < left.length; l++) {
      const id = leftIds[l];
      if (seenLeft && id >= 0) {
        if (seenLeft[id]) continue;
        seenLeft[id] = 1;
      }
      const matches = id >= 0;
      switch (kind) {
        case 'leftanti':
          if (!matches) pair(l, -1);
          continue;
        case 'leftsemi':
          if (matches) pair(l, -1);
          continue;
        case 'leftouter':
        case 'fullouter':
          if (!matches) {
            pair(l, -1);
            continue;
          }
          break;
        default:
          if (!matches) continue;
      }
      for (let m = byKey.start[id]; m < byKey.start[id + 1]; m++) {
        const r = byKey.rows[m];
        pair(l, r);
        if (matchedRight) matchedRight[r] = 1;
      }
    }
    if (matchedRight) {
      for (let r = 0; r < right.length; r++) if (!matchedRight[r]) pair(-1, r);
    }
  }
  const leftColumns = gather(left, leftRows);
  const rightColumns = gather(right, rightRows);
  const leftReaders = indirectReaders(left, leftRows);
  const rightReaders = indirectReaders(right, rightRows);
  return {
    schema: plan.schema,
    columns: lazyColumns(plan.output.length, (k) => {
      const [side, c] = plan.output[k];
      return side === 'left' ? leftColumns[c] : rightColumns[c];
    }),
    // A filter after the join (a time window between the two sides, say) reads the pairs through
    // these, so only the columns and rows it keeps are ever copied.
    readers: lazyColumns(plan.output.length, (k) => {
      const [side, c] = plan.output[k];
      return side === 'left' ? leftReaders[c] : rightReaders[c];
    }),
    length: leftRows.length,
  };
}
