import { z } from 'zod';
import {
  classificationReasons,
  incidentClassifications,
  incidentSeverities,
  incidentStatuses,
} from '../../sentinel/client.js';

/**
 * The writable incident properties and their types, from the SecurityInsights REST API
 * (Incidents - Create Or Update, IncidentProperties: learn.microsoft.com/rest/api/securityinsights/incidents/create-or-update).
 * Every write to the local store is checked against it, so nothing is stored that the incident list
 * or a client could not read back. Unknown properties are ignored, as ARM ignores them.
 */
const owner = z
  .object({
    objectId: z.guid().nullish(),
    email: z.string().max(1024).nullish(),
    userPrincipalName: z.string().max(1024).nullish(),
    assignedTo: z.string().max(1024).nullish(),
    ownerType: z.enum(['Unknown', 'User', 'Group']).nullish(),
  })
  .transform((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)));

export const writableIncidentSchema = z
  .object({
    title: z.string().min(1).max(4096),
    severity: z.enum(incidentSeverities),
    status: z.enum(incidentStatuses),
    description: z.string().max(32_768).optional(),
    // An explicit null owner means "unassigned", as the portal's "Unassign" sends.
    owner: owner.nullish().transform((o) => o ?? {}),
    labels: z
      .array(
        z.object({
          labelName: z.string().min(1).max(256),
          labelType: z.enum(['User', 'AutoAssigned']).default('User'),
        }),
      )
      .max(500)
      .optional(),
    classification: z.enum(incidentClassifications).optional(),
    classificationReason: z.string().optional(),
    classificationComment: z.string().max(32_768).optional(),
  })
  .superRefine((p, context) => {
    if (p.status === 'Closed' && !p.classification) {
      context.addIssue({
        code: 'custom',
        path: ['classification'],
        message: 'closing an incident requires a classification',
      });
    }
    if (p.classificationReason !== undefined) {
      const allowed: readonly string[] = p.classification ? classificationReasons[p.classification] : [];
      if (!allowed.includes(p.classificationReason)) {
        context.addIssue({
          code: 'custom',
          path: ['classificationReason'],
          message: `must be one of [${allowed.join(', ')}] for classification ${p.classification ?? '(none)'}`,
        });
      }
    }
  });

export type WritableIncidentProperties = z.infer<typeof writableIncidentSchema>;

/** A write that does not match the SecurityInsights schema; the message names the field, never the value. */
export class IncidentValidationError extends Error {}

export function validateIncidentWrite(properties: unknown): WritableIncidentProperties {
  const parsed = writableIncidentSchema.safeParse(properties);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `properties.${issue.path.join('.') || '(object)'}: ${issue.message}`);
  throw new IncidentValidationError(issues.join('; '));
}
