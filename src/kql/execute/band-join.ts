import type { PairBand } from './pair-filter.js';

/** Key groups of at most this many right rows are scanned whole: a search would not pay. */
const SCAN_AT_MOST = 8;

/**
 * The right rows of each key that can pair with a left row under a window on one right-side column
 * (PairBand): each key's rows sorted by the column, so a left row finds the rows inside its window
 * by binary search instead of testing every row of its key. Joining events per user makes pairs
 * that grow with the square of the events per user; a time window keeps few of them, and this
 * visits only those, so the join's cost grows with the rows and the kept pairs.
 *
 * `visit` gets the candidate rows in ascending order, as a plain scan of the key's rows would, so
 * the join's output order does not depend on the window.
 */
export function bandProbe(
  band: PairBand,
  start: Int32Array,
  rows: Int32Array,
): (l: number, id: number, visit: (r: number) => void) => void {
  const { values, low, high } = band;
  // Only keys with more rows than a scan takes are sorted, into arrays of their rows alone:
  // at(id) is where key id's sorted rows start there.
  const at = new Int32Array(start.length - 1).fill(-1);
  let widest = 0;
  let total = 0;
  for (let id = 0; id + 1 < start.length; id++) {
    const size = start[id + 1] - start[id];
    if (size <= SCAN_AT_MOST) continue;
    at[id] = total;
    total += size;
    widest = Math.max(widest, size);
  }
  const sorted = new Int32Array(total);
  const sortedValues = new Float64Array(total);
  for (let id = 0; id + 1 < start.length; id++) {
    if (at[id] < 0) continue;
    // Rows ascend within a key, and Array sort is stable: equal values keep their row order.
    const byValue = Array.from(rows.subarray(start[id], start[id + 1])).sort((a, b) => values[a] - values[b]);
    for (let k = 0; k < byValue.length; k++) {
      sorted[at[id] + k] = byValue[k];
      sortedValues[at[id] + k] = values[byValue[k]];
    }
  }
  const found = new Int32Array(widest);
  return (l, id, visit) => {
    const from = start[id];
    const to = start[id + 1];
    if (at[id] < 0) {
      for (let m = from; m < to; m++) visit(rows[m]);
      return;
    }
    const lo = low(l);
    const hi = high(l);
    const first = at[id];
    const end = first + (to - from);
    // First position whose value is >= lo.
    let a = first;
    let b = end;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (sortedValues[mid] < lo) a = mid + 1;
      else b = mid;
    }
    let n = 0;
    for (let m = a; m < end && sortedValues[m] <= hi; m++) found[n++] = sorted[m];
    if (2 * n > to - from) {
      // Most of the key's rows are in the window: scanning them in order is cheaper than sorting.
      for (let m = from; m < to; m++) visit(rows[m]);
      return;
    }
    const inWindow = found.subarray(0, n).sort();
    for (let k = 0; k < n; k++) visit(inWindow[k]);
  };
}
