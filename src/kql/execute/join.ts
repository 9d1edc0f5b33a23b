import { UnsupportedError } from '../plan/errors.js';
import type { Plan } from '../plan/types.js';
import type { Value } from '../values/index.js';
import { bandProbe } from './band-join.js';
import type { DictionaryVector } from './columnar.js';
import { columnReader, type Frame, gather, indirectReaders, lazyColumns } from './frame.js';
import { compositeKey, keyOf } from './keys.js';
import { NumberIds } from './number-ids.js';
import type { PairBand, PairTest } from './pair-filter.js';

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

/** One side of the join as KeyIds reads it: its key columns and how their values become Map keys. */
interface Side {
  frame: Frame;
  columns: number[];
  normalize: KeyNormalizer[];
}

/** Largest direct table (slots) over the key codes after the first that KeyIds.partitioned uses. */
const MAX_PARTITION_TABLE = 1 << 20;

/**
 * The rows whose key has no null, bucketed by their first code (a counting sort, rows ascending in
 * a bucket), each with the number its other codes fold into.
 */
function byFirstCode(perColumn: Int32Array[], widths: number[]) {
  const first = perColumn[0];
  const folded = new Int32Array(first.length);
  const start = new Int32Array(widths[0] + 1);
  for (let i = 0; i < first.length; i++) {
    let tuple = first[i] < 0 ? -1 : 0;
    for (let k = 1; k < perColumn.length && tuple !== -1; k++) {
      const code = perColumn[k][i];
      tuple = code < 0 ? -1 : tuple * widths[k] + code;
    }
    folded[i] = tuple;
    if (tuple >= 0) start[first[i] + 1]++;
  }
  for (let c = 0; c < widths[0]; c++) start[c + 1] += start[c];
  const fill = start.slice(0, widths[0]);
  const rows = new Int32Array(start[widths[0]]);
  const rest = new Int32Array(rows.length);
  for (let i = 0; i < first.length; i++) {
    if (folded[i] < 0) continue;
    const at = fill[first[i]]++;
    rows[at] = i;
    rest[at] = folded[i];
  }
  return { start, rows, rest };
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

  /**
   * Id of each row's key on both sides: `build`'s keys get ids (in `build`'s columns), `probe`'s rows
   * get the id of an equal key, or -1.
   */
  ids(build: Side, probe: Side): { build: Int32Array; probe: Int32Array } {
    const buildCodes = this.columnsCodes(build, true);
    const probeCodes = this.columnsCodes(probe, false);
    const widths = this.codes.map((m) => m.size);
    if (widths.length === 1) {
      this.size = widths[0];
      return { build: buildCodes[0], probe: probeCodes[0] };
    }
    const rest = widths.slice(1).reduce((a, b) => a * b, 1);
    if (rest <= Math.min(MAX_PARTITION_TABLE, 4 * (build.frame.length + probe.frame.length) + 1024)) {
      return this.partitioned(buildCodes, probeCodes, widths);
    }
    if (widths.reduce((a, b) => a * b, 1) > Number.MAX_SAFE_INTEGER) {
      return { build: this.textRows(buildCodes, true), probe: this.textRows(probeCodes, false) };
    }
    return {
      build: this.tupleRows(buildCodes, widths, true),
      probe: this.tupleRows(probeCodes, widths, false),
    };
  }

  private columnsCodes({ frame, columns, normalize }: Side, insert: boolean): Int32Array[] {
    return columns.map((c, k) => {
      const table = this.fromDictionary[k];
      const dictionary = table && frame.dictionary?.(c);
      return table && dictionary
        ? this.dictionaryCodes(dictionary.codes, table, k, insert)
        : this.columnCodes(frame.columns[c], normalize[k], k, insert);
    });
  }

  /** Ids of code tuples folded into one number, through a NumberIds table. */
  private tupleRows(perColumn: Int32Array[], widths: number[], insert: boolean): Int32Array {
    const { tuples } = this;
    const ids = new Int32Array(perColumn[0].length);
    for (let i = 0; i < ids.length; i++) {
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

  /**
   * Ids of tuples whose codes after the first fold into a number below a small bound: both sides'
   * rows are bucketed by their first code, and each bucket's tuples are told apart by a direct table
   * over the rest, reused by every bucket (stamped with it). A hash table of millions of tuples is
   * probed at random, and its cache and TLB misses made the cost per row grow with the table (the raw
   * user+IP join of the engine bench: 2M distinct tuples at 4M rows).
   */
  private partitioned(build: Int32Array[], probe: Int32Array[], widths: number[]) {
    const b = byFirstCode(build, widths);
    const p = byFirstCode(probe, widths);
    const rest = widths.slice(1).reduce((x, y) => x * y, 1);
    const stamp = new Int32Array(rest).fill(-1);
    const idOf = new Int32Array(rest);
    const buildIds = new Int32Array(build[0].length).fill(-1);
    const probeIds = new Int32Array(probe[0].length).fill(-1);
    let next = 0;
    for (let bucket = 0; bucket < widths[0]; bucket++) {
      for (let m = b.start[bucket]; m < b.start[bucket + 1]; m++) {
        const r = b.rest[m];
        if (stamp[r] !== bucket) {
          stamp[r] = bucket;
          idOf[r] = next++;
        }
        buildIds[b.rows[m]] = idOf[r];
      }
      for (let m = p.start[bucket]; m < p.start[bucket + 1]; m++) {
        const r = p.rest[m];
        if (stamp[r] === bucket) probeIds[p.rows[m]] = idOf[r];
      }
    }
    this.size = next;
    return { build: buildIds, probe: probeIds };
  }

  /** Ids of code tuples too wide for one number, by their text. */
  private textRows(perColumn: Int32Array[], insert: boolean): Int32Array {
    const ids = new Int32Array(perColumn[0].length);
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
    return ids;
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

/** Whether key column c holds a null, read without copying it (a tick vector holds none). */
function hasNull(frame: Frame, c: number): boolean {
  return holds(frame, c, (v) => v === null);
}

/** Whether key column c holds a real NaN (a tick vector or string dictionary holds none). */
function hasNaN(frame: Frame, c: number): boolean {
  if (frame.dictionary?.(c)) return false;
  return holds(frame, c, (v) => typeof v === 'number' && Number.isNaN(v));
}

function holds(frame: Frame, c: number, test: (v: Value) => boolean): boolean {
  if (frame.ticks?.(c)) return false;
  const dictionary = frame.dictionary?.(c);
  if (dictionary) return dictionary.codes.includes(-1) && test(null);
  const read = columnReader(frame, c);
  for (let i = 0; i < frame.length; i++) if (test(read(i))) return true;
  return false;
}

/**
 * The join and lookup pages do not say whether a null key matches a null key (as summarize groups
 * nulls together) or nothing (as `==` of two nulls is not true); the engine's "nothing" differs from
 * the other reading only when both sides hold a null in one key column, which is refused
 * (https://learn.microsoft.com/kusto/query/join-operator, …/lookup-operator).
 */
function refuseNullKeysOnBothSides(plan: JoinPlan, left: Frame, right: Frame): void {
  plan.leftKeys.forEach((lc, k) => {
    const rc = plan.rightKeys[k];
    // A NaN is the same question: `==` of two NaNs is false here (IEEE 754), summarize puts them in
    // one group, and no page says which a join follows (the engine's hash join matched them).
    if (hasNaN(right, rc) && hasNaN(left, lc))
      throw new UnsupportedError(
        'join on NaN keys',
        plan.span,
        `join/lookup key ${left.schema[lc].name} == ${right.schema[rc].name} is NaN on both sides: the ` +
          'docs do not say whether NaN keys match each other; filter them out (not(isnan())) first',
      );
    if (!hasNull(right, rc) || !hasNull(left, lc)) return;
    throw new UnsupportedError(
      'join on null keys',
      plan.span,
      `join/lookup key ${left.schema[lc].name} == ${right.schema[rc].name} is null on both sides: the ` +
        'docs do not say whether null keys match each other; filter them out (isnotnull()) first',
    );
  });
}

/**
 * innerunique keeps one left row per key, and the join-innerunique page says which one is random
 * ("may yield two possible outputs and both are correct"; its first example says the first is
 * kept). The engine keeps the first; a later duplicate of a key that matched the right side and
 * differs from it in a column read downstream (plan.observedLeft) would make another answer just as
 * correct, so it is refused. Returns the check to call with each left row of a matched key, or
 * undefined when no left column is read.
 */
function keptRowsAgree(
  plan: JoinPlan,
  left: Frame,
  keyCount: number,
): ((id: number, row: number) => void) | undefined {
  const columns = plan.observedLeft ?? left.schema.map((_, c) => c);
  const compared = columns.filter((c) => !plan.leftKeys.includes(c));
  if (compared.length === 0) return undefined;
  const readers = compared.map((c) => columnReader(left, c));
  const kept = new Int32Array(keyCount).fill(-1);
  return (id, row) => {
    const first = kept[id];
    if (first < 0) {
      kept[id] = row;
      return;
    }
    compared.forEach((c, k) => {
      const { name, type } = left.schema[c];
      if (Object.is(keyOf(readers[k](first), type), keyOf(readers[k](row), type))) return;
      throw new UnsupportedError(
        'join kind=innerunique over duplicate left keys',
        plan.span,
        `the default join (innerunique) keeps one left row per key, chosen at random (join-innerunique page: ` +
          `"may yield two possible outputs and both are correct"), and two left rows of one matched key differ ` +
          `in '${name}', which the query reads; deduplicate the left side first (summarize arg_max(...) by key) ` +
          `or use kind=inner (which keeps every left row)`,
      );
    });
  };
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
 * an inner join. `keep`, for an inner join, tests each matched pair first (a following `where`, see
 * pair-filter.ts): a pair it drops is not output. `band`, a window every pair `keep` keeps lies in,
 * lets the probe skip the right rows outside it (band-join.ts).
 */
export function hashJoin(plan: JoinPlan, left: Frame, right: Frame, keep?: PairTest, band?: PairBand): Frame {
  refuseNullKeysOnBothSides(plan, left, right);
  const shared = plan.leftKeys.map((lc, k) => {
    const l = left.dictionary?.(lc);
    const r = right.dictionary?.(plan.rightKeys[k]);
    return l && r && l.dictionary === r.dictionary ? l : undefined;
  });
  const keys = new KeyIds(shared);
  const normalize = normalizers(plan, left, right);
  const leftSide = { frame: left, columns: plan.leftKeys, normalize: normalize.left };
  const rightSide = { frame: right, columns: plan.rightKeys, normalize: normalize.right };
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
    const rightIds = keys.ids(leftSide, rightSide).probe;
    for (let r = 0; r < right.length; r++) {
      if (rightIds[r] >= 0 === (kind === 'rightsemi')) pair(-1, r);
    }
  } else {
    const { build: rightIds, probe: leftIds } = keys.ids(rightSide, leftSide);
    const byKey = rowsByKey(rightIds, keys.size);
    // Keys absent from the right side have no id, and no match whatever innerunique keeps of them.
    const seenLeft = kind === 'innerunique' ? new Uint8Array(keys.size) : undefined;
    const matchedRight =
      kind === 'rightouter' || kind === 'fullouter' ? new Uint8Array(right.length) : undefined;
    const inner = kind === 'inner' || kind === 'innerunique';
    const probe = band && inner ? bandProbe(band, byKey.start, byKey.rows) : undefined;
    let probing = 0;
    const visit = (r: number) => {
      if (!keep || keep(probing, r)) pair(probing, r);
    };
    const sameKept = seenLeft && keptRowsAgree(plan, left, keys.size);
    for (let l = 0; l < left.length; l++) {
      const id = leftIds[l];
      if (seenLeft && id >= 0) {
        if (seenLeft[id]) {
          sameKept?.(id, l);
          continue;
        }
        seenLeft[id] = 1;
        sameKept?.(id, l);
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
      if (probe) {
        probing = l;
        probe(l, id, visit);
        continue;
      }
      for (let m = byKey.start[id]; m < byKey.start[id + 1]; m++) {
        const r = byKey.rows[m];
        if (keep && !keep(l, r)) continue;
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
