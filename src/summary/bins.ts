import { parseDateTime } from '../kql/values/index.js';
import type { SummaryRule } from './model.js';

export const MINUTE = 60n * 10_000_000n;
const HOUR = 60n * MINUTE;

/** One bin of a summary rule: TimeGenerated in [start, end), executed at `executeAt`. */
export interface Bin {
  start: bigint;
  end: bigint;
  /** end + binDelay: rows ingested after this are not summarized (a bin never runs again). */
  executeAt: bigint;
}

export function binSizeTicks(rule: SummaryRule): bigint {
  return BigInt(rule.ruleDefinition.binSize) * MINUTE;
}

/**
 * The wait after a bin's end before it runs. Declared: binDelay minutes. Default: "from three and
 * a half minutes to 10% of the binSize value" (summary-rules#configure-the-aggregation-timing); the
 * service picks within that range, so the local runs take its end, the latest a bin may run and
 * thus the most late-arriving rows it may include.
 */
export function binDelayTicks(rule: SummaryRule): bigint {
  const { binDelay } = rule.ruleDefinition;
  if (binDelay !== undefined) return BigInt(binDelay) * MINUTE;
  const tenth = binSizeTicks(rule) / 10n;
  const minimum = (7n * MINUTE) / 2n;
  return tenth > minimum ? tenth : minimum;
}

/** binStartTime in ticks, when declared and parsable (validate reports the others). */
function binStartTicks(rule: SummaryRule): bigint | undefined {
  const declared = rule.ruleDefinition.binStartTime;
  return declared === undefined ? undefined : (parseDateTime(declared) ?? undefined);
}

function bin(rule: SummaryRule, end: bigint): Bin {
  return { start: end - binSizeTicks(rule), end, executeAt: end + binDelayTicks(rule) };
}

/**
 * The first bin of a rule created at `created`: with binStartTime, [binStartTime, +binSize);
 * otherwise the bin that ends at the next whole hour ("the summary rule creates the first
 * aggregation shortly after the next whole hour": created 14:44, binSize 720 → 03:00–15:00, binSize
 * 20 → 14:40–15:00; the tables under "Use default aggregation timing").
 */
export function firstBin(rule: SummaryRule, created: bigint): Bin {
  const declared = binStartTicks(rule);
  if (declared !== undefined) {
    // "The value can start at rule creation datetime minus the binSize value, or later": Azure
    // refuses an earlier one when the rule is created; locally such a rule starts at the first bin
    // of its grid that Azure would accept, instead of summarizing the past bin by bin.
    const size = binSizeTicks(rule);
    const earliest = created - size;
    const skipped = declared < earliest ? (earliest - declared + size - 1n) / size : 0n;
    return bin(rule, declared + (skipped + 1n) * size);
  }
  const hour = created % HOUR === 0n ? created : created - (created % HOUR) + HOUR;
  return bin(rule, hour);
}

export function nextBin(rule: SummaryRule, previous: Bin): Bin {
  return bin(rule, previous.end + binSizeTicks(rule));
}

/**
 * The latest bin executed by `now` for a rule created long enough before: bins end on its
 * binStartTime grid when it declares one, otherwise on whole hours (binSize ≥ 60) or on the hour's
 * 20- or 30-minute fractions (the docs' tables: every bin boundary is such an instant, and which
 * whole hours depends only on when the rule was created). Undefined when no bin has run yet.
 */
export function latestBinAt(rule: SummaryRule, now: bigint): Bin | undefined {
  const size = binSizeTicks(rule);
  const latestEnd = now - binDelayTicks(rule);
  const declared = binStartTicks(rule);
  if (declared !== undefined) {
    const bins = (latestEnd - declared) / size;
    if (latestEnd < declared + size) return undefined;
    return bin(rule, declared + bins * size);
  }
  const step = size < HOUR ? size : HOUR;
  return bin(rule, latestEnd - (((latestEnd % step) + step) % step));
}
