import { dateToTicks, formatDateTime } from '../kql/values/index.js';

/**
 * Simulated time for the local SOC. With `speed` > 1 an hour of rule schedules passes in minutes,
 * so detections and incidents appear quickly; every component reads time from here, never Date.now.
 */
export class Clock {
  private readonly startedReal = Date.now();

  constructor(
    private readonly startedAt: Date = new Date(),
    readonly speed = 1,
  ) {}

  date(): Date {
    return new Date(this.startedAt.getTime() + (Date.now() - this.startedReal) * this.speed);
  }

  ticks(): bigint {
    return dateToTicks(this.date());
  }

  iso(): string {
    return formatDateTime(this.ticks());
  }

  /** Real milliseconds until simulated time reaches `ticks`. */
  realDelayUntil(ticks: bigint): number {
    const simMs = Number((ticks - this.ticks()) / 10_000n);
    return Math.max(0, simMs / this.speed);
  }
}
