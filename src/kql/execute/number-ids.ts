/**
 * Dense ids, numbered in order of first insertion, of non-negative integer keys below 2^53 (e.g. a
 * tuple of dense codes folded into one number). An open-addressing table in one typed array, each
 * key beside its id so a probe touches one cache line: a Map holding millions of numeric keys costs
 * far more per entry (boxed keys, GC, scattered memory), and joins and group-bys of millions of rows
 * key millions of distinct tuples.
 */
export class NumberIds {
  /** Slot s holds its key at 2s (-1: empty) and the key's id at 2s + 1. */
  private slots: Float64Array;
  private mask: number;
  size = 0;

  constructor() {
    this.slots = emptySlots(16);
    this.mask = 15;
  }

  /** The id of `key`, or -1 when it was never added. */
  get(key: number): number {
    const { slots, mask } = this;
    for (let slot = slotOf(key, mask); ; slot = (slot + 1) & mask) {
      const k = slots[2 * slot];
      if (k === key) return slots[2 * slot + 1];
      if (k === -1) return -1;
    }
  }

  /** The id of `key`, a new one (the next dense id) when it is new. */
  add(key: number): number {
    const { slots, mask } = this;
    for (let slot = slotOf(key, mask); ; slot = (slot + 1) & mask) {
      const k = slots[2 * slot];
      if (k === key) return slots[2 * slot + 1];
      if (k === -1) {
        const id = this.size++;
        slots[2 * slot] = key;
        slots[2 * slot + 1] = id;
        // Kept at most half full, so probe runs stay short.
        if (this.size * 2 > mask) this.grow();
        return id;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = emptySlots(old.length);
    this.mask = old.length - 1;
    for (let at = 0; at < old.length; at += 2) {
      const key = old[at];
      if (key === -1) continue;
      let slot = slotOf(key, this.mask);
      while (this.slots[2 * slot] !== -1) slot = (slot + 1) & this.mask;
      this.slots[2 * slot] = key;
      this.slots[2 * slot + 1] = old[at + 1];
    }
  }
}

function emptySlots(capacity: number): Float64Array {
  const slots = new Float64Array(2 * capacity);
  for (let s = 0; s < slots.length; s += 2) slots[s] = -1;
  return slots;
}

/** A well-mixed slot for a key: both 32-bit halves through murmur3's finalizer, so tuples differing in either spread. */
function slotOf(key: number, mask: number): number {
  let h = (key >>> 0) ^ Math.imul((key / 4_294_967_296) | 0, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & mask;
}
