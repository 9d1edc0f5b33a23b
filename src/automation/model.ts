import { z } from 'zod';
import {
  incidentClassificationReasons,
  incidentClassifications,
  incidentSeverities,
  incidentStatuses,
} from '../sentinel/client.js';

/**
 * An automation rule as written in `kql/automation/<name>.yaml`. It compiles to one
 * Microsoft.SecurityInsights/automationRules resource; `runResponder` actions run the relay
 * playbook that forwards the incident to the named HTTP responder in `functions/responders/`.
 */
const guid = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    'must be a GUID (the resource name)',
  );

const severity = z.enum(incidentSeverities);
const status = z.enum(incidentStatuses);
const nonEmptyStrings = z.array(z.string().min(1)).min(1);

export const triggers = ['incident-created', 'incident-updated', 'alert-created'] as const;

/**
 * Conditions on the incident's current state. A list means "equals (or contains) any of"; under
 * `not:` the same keys take the negated operators ("does not equal / does not contain any of").
 * https://learn.microsoft.com/en-us/azure/sentinel/create-manage-use-automation-rules#define-conditions
 */
const stateConditions = {
  severity: z.array(severity).min(1).optional(),
  status: z.array(status).min(1).optional(),
  titleContains: nonEmptyStrings.optional(),
  /** `id`s of analytics rules in kql/rules (not display names). */
  analyticRules: z.array(guid).min(1).optional(),
  tactics: nonEmptyStrings.optional(),
  labels: nonEmptyStrings.optional(),
};

/**
 * "Updated by": the kind of source that made the change, as the automation-rules page lists them
 * (an application, a user, an alert grouping, a playbook, an automation rule, Microsoft Defender XDR).
 * https://learn.microsoft.com/en-us/azure/sentinel/automate-incident-handling-with-automation-rules#incident-update-trigger
 */
export const incidentUpdateSources = [
  'Application',
  'User',
  'AlertGrouping',
  'Playbook',
  'AutomationRule',
  'MicrosoftDefenderXDR',
] as const;
export type IncidentUpdateSource = (typeof incidentUpdateSources)[number];

/** Properties the update trigger's Changed / Changed from / Changed to operators apply to (same page). */
export const changeableProperties = ['severity', 'status', 'owner'] as const;
/** Lists the update trigger's Added operator applies to: tags (labels), tactics, alerts, comments. */
export const addableLists = ['labels', 'tactics', 'alerts', 'comments'] as const;

const changedValues = z
  .object({ severity: z.array(severity).min(1).optional(), status: z.array(status).min(1).optional() })
  .strict()
  .refine((o) => Object.keys(o).length > 0, 'give severity or status');

/** Conditions that only the incident-updated trigger can evaluate: they look at the change itself. */
export const updateOnlyConditions = ['updatedBy', 'changed', 'changedFrom', 'changedTo', 'added'] as const;

const automationConditionsSchema = z
  .object({
    ...stateConditions,
    updatedBy: z.array(z.enum(incidentUpdateSources)).min(1).optional(),
    /** Each listed property changed (any value to any other). */
    changed: z.array(z.enum(changeableProperties)).min(1).optional(),
    /** The property changed and its previous value is one of these. */
    changedFrom: changedValues.optional(),
    /** The property changed and its new value is one of these. */
    changedTo: changedValues.optional(),
    /** Each listed collection had items added. */
    added: z.array(z.enum(addableLists)).min(1).optional(),
    not: z
      .object({ ...stateConditions, updatedBy: z.array(z.enum(incidentUpdateSources)).min(1).optional() })
      .strict()
      .optional(),
  })
  .strict();

const owner = z
  .object({
    objectId: guid.optional(),
    email: z.string().optional(),
    userPrincipalName: z.string().optional(),
    /** IncidentOwnerInfo.ownerType: an Entra ID group can own an incident (given by objectId). */
    ownerType: z.enum(['User', 'Group']).optional(),
  })
  .strict()
  .refine(
    (o) => o.objectId !== undefined || o.email !== undefined || o.userPrincipalName !== undefined,
    'give objectId, email or userPrincipalName',
  );

const actionKinds = ['runResponder', 'setSeverity', 'setStatus', 'setOwner', 'addLabels', 'addTask'] as const;

const automationActionSchema = z
  .object({
    runResponder: z.string().min(1).optional(),
    setSeverity: severity.optional(),
    setStatus: status.optional(),
    classification: z.enum(incidentClassifications).optional(),
    classificationReason: z.enum(incidentClassificationReasons).optional(),
    comment: z.string().optional(),
    setOwner: owner.optional(),
    addLabels: nonEmptyStrings.optional(),
    addTask: z
      .object({ title: z.string().min(1), description: z.string().optional() })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((action, ctx) => {
    const kinds = actionKinds.filter((kind) => action[kind] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `each action needs exactly one of ${actionKinds.join(', ')} (found ${kinds.join(', ') || 'none'})`,
      });
    }
    const closing = action.classification ?? action.classificationReason ?? action.comment;
    if (closing !== undefined && action.setStatus !== 'Closed') {
      ctx.addIssue({ code: 'custom', message: 'classification and comment go with setStatus: Closed' });
    }
    if (action.setStatus === 'Closed' && action.classification === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['setStatus'],
        message: 'closing an incident needs a classification',
      });
    }
  });

export const automationRuleSchema = z
  .object({
    id: guid,
    displayName: z.string().min(1).max(500),
    description: z.string().optional(),
    /** Sentinel runs automation rules by ascending order, 1-1000. */
    order: z.number().int().min(1).max(1000),
    enabled: z.boolean().default(true),
    trigger: z.enum(triggers),
    /** ISO 8601 date-time after which Sentinel disables the rule. */
    expires: z
      .string()
      .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date-time, e.g. 2026-12-31T00:00:00Z')
      .optional(),
    conditions: automationConditionsSchema.default({}),
    actions: z.array(automationActionSchema).min(1).max(20),
  })
  .strict();

export type AutomationRule = z.infer<typeof automationRuleSchema>;
export type AutomationAction = z.infer<typeof automationActionSchema>;
export type AutomationConditions = z.infer<typeof automationConditionsSchema>;
export type AutomationTrigger = (typeof triggers)[number];
