import { durationTicks } from '../rules/durations.js';
import type { DetectionRule } from './model.js';

const HOUR = 3_600n * 10_000_000n;

/**
 * The frequencies Defender offers for custom detections and the lookback each one applies when the
 * rule does not set `schedule.lookback`: "Every 24 hours ... checking data from the past 30 days",
 * every 12 hours 48 hours, every 3 hours 12 hours, every hour 4 hours, and Continuous (NRT).
 * https://learn.microsoft.com/en-us/defender-xdr/custom-detection-rules#rule-frequency
 * Graph: `frequency` is an ISO 8601 duration; `lookback` "must be at least frequency. When omitted,
 * the service derives the default lookback from frequency. Not supported for near-real-time rules
 * with a zero frequency." (security-ruleschedule, beta)
 */
export const DEFAULT_LOOKBACK: ReadonlyMap<bigint, bigint> = new Map([
  [HOUR, 4n * HOUR],
  [3n * HOUR, 12n * HOUR],
  [12n * HOUR, 48n * HOUR],
  [24n * HOUR, 30n * 24n * HOUR],
]);

export interface DetectionSchedule {
  /** Ticks between runs; 0 for Continuous (NRT). */
  frequency: bigint;
  /** Ticks each run reads back from its scheduled time; undefined for NRT. */
  lookback?: bigint;
  continuous: boolean;
  /** A frequency outside Defender's fixed list ("Custom", Sentinel data only). */
  custom: boolean;
}

/** The run semantics of a parsed rule (its durations already passed the model). */
export function detectionSchedule(rule: DetectionRule): DetectionSchedule {
  const frequency = durationTicks(rule.schedule.frequency) ?? 0n;
  const continuous = frequency === 0n;
  const declared = rule.schedule.lookback === undefined ? undefined : durationTicks(rule.schedule.lookback);
  return {
    frequency,
    continuous,
    custom: !continuous && !DEFAULT_LOOKBACK.has(frequency),
    lookback: continuous ? undefined : (declared ?? DEFAULT_LOOKBACK.get(frequency) ?? frequency),
  };
}
