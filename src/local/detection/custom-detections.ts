import { randomUUID } from 'node:crypto';
import type { DetectionRule } from '../../detections/model.js';
import { runDetection } from '../../detections/run.js';
import { detectionSchedule } from '../../detections/schedule.js';
import { formatDateTime } from '../../kql/values/index.js';
import type { Clock } from '../clock.js';
import type { Workspace } from '../store/workspace.js';
import { WorkspaceIndex } from './workspace-index.js';

/** A custom-detection alert as the local SOC shows it (Defender keeps these; it is no Sentinel rule). */
export interface DetectionAlert {
  id: string;
  detectionId: string;
  detectionName: string;
  title: string;
  severity: string;
  tactics: string[];
  /** The run that raised it. */
  generatedAt: string;
  entities: { type: string; identifiers: Record<string, string> }[];
  eventCount: number;
}

export interface DetectionHealth {
  id: string;
  name: string;
  frequency: string;
  lastRun?: string;
  lastResultRows?: number;
  lastError?: string;
  runs: number;
  alerts: number;
}

/** What a restart keeps: each detection's next run and, for Continuous ones, where the last run read to. */
export interface DetectionState {
  rules: [string, { nextRun: bigint; since: bigint }][];
  alerts: DetectionAlert[];
}

/** Alerts kept for the UI, newest first (the state file stays small). */
const KEPT_ALERTS = 500;
/** Continuous (NRT) detections stream per event; locally they run on every tick of at least a minute. */
const CONTINUOUS_STEP = 60n * 10_000_000n;

interface Scheduled {
  rule: DetectionRule;
  frequency: bigint;
  continuous: boolean;
  nextRun: bigint;
  /** Continuous rules: the ingestion time the previous run read up to. */
  since: bigint;
  health: DetectionHealth;
}

/**
 * Runs the repository's Defender custom detections (kql/detections) on the simulated clock with the
 * same semantics as `sentinel-kit test` (detections/run.ts). Their alerts are Defender XDR alerts:
 * Defender, not Sentinel's analytics, correlates them into incidents, so they are listed beside the
 * incidents rather than grouped into local ones.
 */
export class DetectionScheduler {
  private readonly scheduled: Scheduled[];
  private readonly index: WorkspaceIndex;
  private alerts: DetectionAlert[];

  constructor(
    rules: DetectionRule[],
    private readonly workspace: Workspace,
    private readonly clock: Clock,
    restored?: DetectionState,
    index = new WorkspaceIndex(workspace),
  ) {
    const start = clock.ticks();
    this.index = index;
    this.alerts = restored?.alerts ?? [];
    this.scheduled = rules
      .filter((rule) => rule.status !== 'disabled')
      .map((rule) => {
        const schedule = detectionSchedule(rule);
        const saved = restored?.rules.find(([id]) => id === rule.id)?.[1];
        return {
          rule,
          frequency: schedule.continuous ? CONTINUOUS_STEP : schedule.frequency,
          continuous: schedule.continuous,
          nextRun: saved?.nextRun ?? start,
          // A Continuous rule starting fresh sees what is ingested from now on, not the past.
          since: saved?.since ?? (schedule.continuous ? start : 0n),
          health: {
            id: rule.id,
            name: rule.displayName,
            frequency: rule.schedule.frequency,
            runs: 0,
            alerts: 0,
          },
        };
      });
  }

  snapshot(): DetectionState {
    return {
      rules: this.scheduled.map((s) => [s.rule.id, { nextRun: s.nextRun, since: s.since }]),
      alerts: this.alerts,
    };
  }

  health(): DetectionHealth[] {
    return this.scheduled.map((s) => s.health);
  }

  /** Newest first. */
  recentAlerts(): readonly DetectionAlert[] {
    return this.alerts;
  }

  /** Brings a detection's next run forward to now (after an injected attack, as for analytics rules). */
  runSoon(detectionId: string): void {
    const now = this.clock.ticks();
    for (const s of this.scheduled) if (s.rule.id === detectionId && s.nextRun > now) s.nextRun = now;
  }

  /** Runs every detection whose time has come; returns the number of runs. */
  tick(): number {
    const now = this.clock.ticks();
    let runs = 0;
    for (const s of this.scheduled) {
      while (s.nextRun <= now) {
        this.runOnce(s, s.nextRun);
        s.nextRun += s.frequency;
        runs++;
      }
    }
    return runs;
  }

  private runOnce(s: Scheduled, at: bigint): void {
    this.index.refresh();
    const { health } = s;
    health.lastRun = formatDateTime(at);
    health.runs++;
    try {
      const run = runDetection(s.rule, this.index.tables, at, this.workspace.catalog, s.since);
      if (s.continuous) s.since = at;
      health.lastResultRows = run.resultRows;
      health.lastError = undefined;
      health.alerts += run.alerts.length;
      const raised = run.alerts.map((alert) => ({
        id: randomUUID(),
        detectionId: s.rule.id,
        detectionName: s.rule.displayName,
        title: alert.displayName,
        severity: alert.severity,
        tactics: alert.tactics,
        generatedAt: formatDateTime(alert.generatedAt),
        entities: alert.entities,
        eventCount: alert.eventCount,
      }));
      this.alerts = [...raised.reverse(), ...this.alerts].slice(0, KEPT_ALERTS);
    } catch (error) {
      health.lastError = (error as Error).message;
    }
  }
}
