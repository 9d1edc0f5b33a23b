import { z } from 'zod';
import { parseDuration } from '../rules/durations.js';
import { incidentClassifications, incidentSeverities } from '../sentinel/client.js';

/**
 * The SOC's operating model as written in `kql/operations.yaml`: who works which incidents (tiers and
 * routing), how fast (SLA per severity), what happens when that is missed (escalation) and how closed work
 * is checked (QA sampling). Routing compiles to automation rules; SLA and QA run in the Functions app.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const name = z.string().regex(/^[A-Za-z0-9][\w .-]{0,63}$/, {
  error: 'must be 1-64 letters, digits, spaces, dots, dashes or underscores',
});
const duration = z.string().refine((value) => (parseDuration(value) ?? 0) > 0, {
  error: 'must be a positive duration such as 15m, 4h, 2d or ISO 8601 PT15M',
});
// App setting names: letters, digits and underscores (Azure App Service setting name rules on Linux).
const settingName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, {
  error: 'must be an app setting name (letters, digits, underscores)',
});

/** IncidentOwnerInfo in the SecurityInsights API: a user or an Entra ID group may own an incident. */
const ownerSchema = z
  .strictObject({
    objectId: z.string().regex(GUID, { error: 'must be the Entra ID object id (a GUID)' }).optional(),
    userPrincipalName: z.string().min(3).max(256).optional(),
    email: z.string().min(3).max(256).optional(),
    /** Sentinel's `ownerType`: Group owners need their objectId. */
    type: z.enum(['User', 'Group']).default('User'),
  })
  .superRefine((owner, ctx) => {
    if (!owner.objectId && !owner.userPrincipalName && !owner.email) {
      ctx.addIssue({ code: 'custom', message: 'give objectId, userPrincipalName or email' });
    }
    if (owner.type === 'Group' && !owner.objectId) {
      ctx.addIssue({ code: 'custom', path: ['objectId'], message: 'a Group owner needs its objectId' });
    }
  });

const tierSchema = z.strictObject({
  name,
  description: z.string().max(1000).optional(),
  owner: ownerSchema,
  /**
   * The tier's Teams channel. The webhook URL is a secret, so the model names the app setting that holds
   * it (a Key Vault reference in Azure), never the URL.
   */
  teams: z.strictObject({ channel: z.string().min(1).max(256), webhookSetting: settingName }).optional(),
  /** What this tier does with an incident; the runbook site prints it per rule. */
  triage: z.array(z.string().min(1).max(500)).max(20).optional(),
});

const slaTargetSchema = z.strictObject({ acknowledge: duration, close: duration });

const taskSchema = z.strictObject({
  title: z.string().min(1).max(150),
  description: z.string().max(3000).optional(),
});

const watchlistMatchSchema = z.strictObject({
  /** Watchlist alias under kql/watchlists; matched against its itemsSearchKey. */
  alias: z.string().min(1),
  /** Which incident entities are looked up: Account by UPN, Host by name, IP by address. */
  entity: z.enum(['Account', 'Host', 'IP']),
});

const routeSchema = z.strictObject({
  name,
  tier: name,
  /** Every condition given must hold (AND); inside a list any value matches (OR). */
  when: z
    .strictObject({
      severity: z.array(z.enum(incidentSeverities)).min(1).optional(),
      tactics: z.array(z.string().min(1)).min(1).optional(),
      /** Tags of analytics rules under kql/rules: the route matches incidents those rules create. */
      ruleTags: z.array(z.string().min(1)).min(1).optional(),
      watchlist: watchlistMatchSchema.optional(),
    })
    .refine((when) => Object.keys(when).length > 0, { error: 'give at least one condition' }),
  /** Tasks added when the route assigns the incident. */
  tasks: z.array(taskSchema).max(10).optional(),
});

const escalationStepSchema = z.strictObject({
  /** Reassign to the next tier in `tiers` order (the last tier keeps the incident). */
  reassign: z.boolean().default(false),
  /** Raise severity one step (Informational → Low → Medium → High). */
  raiseSeverity: z.boolean().default(false),
  /** Post to the Teams channel of the tier that owns the incident after the escalation. */
  notify: z.boolean().default(false),
  task: taskSchema.optional(),
});

const rate = z
  .number()
  .min(0, { error: 'must be between 0 and 1' })
  .max(1, { error: 'must be between 0 and 1' });

const qaSchema = z.strictObject({
  tier: name,
  /** Share of closures to review, by classification (0 to 1; absent means none). */
  sample: z.partialRecord(z.enum(incidentClassifications), rate),
});

export const operationsSchema = z.strictObject({
  tiers: z.array(tierSchema).min(1).max(10),
  sla: z.partialRecord(z.enum(incidentSeverities), slaTargetSchema),
  routing: z.strictObject({
    /** Where an incident starts when no route matches. */
    defaultTier: name,
    /** First match wins. */
    routes: z.array(routeSchema).max(100).default([]),
  }),
  escalation: z
    .strictObject({
      acknowledgeBreach: escalationStepSchema.optional(),
      closeBreach: escalationStepSchema.optional(),
    })
    .default({}),
  qa: z.array(qaSchema).default([]),
});

export type OperationsModel = z.infer<typeof operationsSchema>;
export type Tier = z.infer<typeof tierSchema>;
export type TierOwner = z.infer<typeof ownerSchema>;
export type Route = z.infer<typeof routeSchema>;
export type EscalationStep = z.infer<typeof escalationStepSchema>;
export type SlaTarget = z.infer<typeof slaTargetSchema>;
export type Breach = 'acknowledge' | 'close';
