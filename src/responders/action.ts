import { createHash } from 'node:crypto';
import type { SentinelApi } from '../sentinel/client.js';
import { DownstreamError } from '../sentinel/rest.js';
import type { ResponseTarget } from '../sentinel/trigger.js';
import type { ActionKey, ActionLedger } from './ledger.js';

export type Outcome =
  /** Performed (and commented) by this run. */
  | 'done'
  /** An earlier run already did it. */
  | 'already-done'
  /** Another run holds the claim right now. */
  | 'in-progress'
  /** Not applicable to this target (e.g. no such machine); a later trigger evaluates it again. */
  | 'skipped'
  | 'failed';

export interface ActionReport {
  action: string;
  target: string;
  outcome: Outcome;
  detail?: string;
  /** Service, status and error code of the failure; never response bodies or URLs. */
  error?: string;
  /** The failure was throttling/unavailability, so retrying later is expected to help. */
  transient?: boolean;
}

export interface ResponderResult {
  incident: string;
  actions: ActionReport[];
}

/** What every responder needs: the incident API for audit comments and the ledger for idempotency. */
export interface ActionDeps {
  sentinel: SentinelApi;
  ledger: ActionLedger;
}

export interface ActionSpec {
  action: string;
  /** Normalised target (the ledger key); also shown in reports and comments. */
  target: string;
  /** Performs the action; resolves to what was done (stored in the ledger, shown in the comment). */
  run(): Promise<string>;
  /** The incident comment for `detail`; defaults to a one-line audit note. */
  comment?(detail: string): string;
}

/** Thrown by `ActionSpec.run` when the action does not apply (e.g. no such machine); retried on a later trigger. */
export class NotApplicable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NotApplicable';
  }
}

/**
 * Thrown by `ActionSpec.run` when the downstream reported the action itself did not complete (e.g. a Defender
 * machine action that ended Failed); the message is the report's error, so it names status and ids only.
 */
export class ActionFailed extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'ActionFailed';
  }
}

// Incident comments are limited to 30,000 characters (IncidentComment.message, SecurityInsights REST docs).
const MAX_COMMENT_CHARS = 30_000;

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** A GUID derived from the key, so a repeated PUT of "the same" comment or task hits the same resource. */
export function stableId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function auditComment(action: string, target: string, detail: string): string {
  return `<p><b>sentinel-kit responder</b> · ${escapeHtml(action)} · ${escapeHtml(target)}</p><p>${escapeHtml(detail)}</p>`;
}

function describe(error: unknown): { error: string; transient: boolean } {
  if (error instanceof DownstreamError) return { error: error.message, transient: error.transient };
  if (error instanceof NotApplicable) return { error: error.message, transient: false };
  if (error instanceof ActionFailed) return { error: error.message, transient: error.transient };
  // Anything else is our own bug or a ledger/storage fault; say which without echoing internals.
  return { error: `internal ${(error as Error)?.name ?? 'error'}`, transient: true };
}

/**
 * Claim → act → record "acted" → comment → record "done". A run that fails after acting leaves "acted" in the
 * ledger, so the retry only posts the (same-id, hence never duplicated) comment instead of acting again.
 */
async function runAction(
  incident: ResponseTarget,
  deps: ActionDeps,
  spec: ActionSpec,
): Promise<ActionReport> {
  const key: ActionKey = { incident: incident.armId, action: spec.action, target: spec.target };
  const report = { action: spec.action, target: spec.target };
  let claim: Awaited<ReturnType<ActionLedger['claim']>>;
  try {
    claim = await deps.ledger.claim(key);
  } catch (error) {
    return { ...report, outcome: 'failed', ...describe(error) };
  }
  if (claim.kind === 'done') return { ...report, outcome: 'already-done', detail: claim.detail };
  if (claim.kind === 'busy') return { ...report, outcome: 'in-progress' };

  let etag = claim.etag;
  let detail = claim.detail ?? '';
  try {
    if (!claim.acted) {
      detail = await spec.run();
      etag = await deps.ledger.record(key, etag, { state: 'acted', detail });
    }
    // An alert has no incident to hold the audit comment; the ledger and the response keep the record.
    if (incident.ref) {
      const message = spec.comment ? spec.comment(detail) : auditComment(spec.action, spec.target, detail);
      await deps.sentinel.putComment(
        incident.ref,
        stableId(incident.armId, spec.action, spec.target),
        message.slice(0, MAX_COMMENT_CHARS),
      );
    }
    await deps.ledger.record(key, etag, { state: 'done', detail });
    return { ...report, outcome: 'done', detail };
  } catch (error) {
    const failure = describe(error);
    // If even this write fails, the claim times out and a later trigger takes it over.
    await deps.ledger.record(key, etag, { state: 'failed', error: failure.error }).catch(() => undefined);
    if (error instanceof NotApplicable) return { ...report, outcome: 'skipped', detail: error.message };
    return { ...report, outcome: 'failed', ...failure };
  }
}

/** A target this responder will not act on, reported so the caller sees why. */
export function skipped(action: string, target: string, detail: string): ActionReport {
  return { action, target, outcome: 'skipped', detail };
}

/** An action to run, or the report of one already decided (a skip). */
export type ActionItem = ActionSpec | ActionReport;

/** Runs the specs in order; reports (already-decided skips) pass through in place. */
export async function runActions(
  incident: ResponseTarget,
  deps: ActionDeps,
  items: ActionItem[],
  nothingToDo: ActionReport,
): Promise<ResponderResult> {
  const actions: ActionReport[] = [];
  // Sequential: actions on one incident share downstream throttling budgets (Graph, MDE per-tenant limits).
  for (const item of items) actions.push('run' in item ? await runAction(incident, deps, item) : item);
  return { incident: incident.armId, actions: actions.length ? actions : [nothingToDo] };
}
