import { z } from 'zod';

/**
 * A Log Analytics summary rule as YAML: the `Microsoft.OperationalInsights/workspaces/summaryLogs`
 * resource, field for field (name + properties), without the read-only ones (isActive, statusCode,
 * provisioningState). Shapes and allowed values:
 * - bicep-types operationalinsights 2025-07-01 `SummaryLogsProperties` / `RuleDefinition`
 *   (azure-rest-api-specs stable/2025-07-01/SummaryLogs.json);
 * - https://learn.microsoft.com/en-us/azure/azure-monitor/logs/summary-rules ("Create or update a
 *   summary rule": ruleType User for rules you define, binSize 20…1440, destinationTable *_CL,
 *   binDelay up to 1440 minutes, binStartTime in whole hours, timeSelector TimeGenerated).
 */

/** "20, 30, 60, 120, 180, 360, 720, or 1440 (minutes)" — both the Learn page and the REST spec. */
export const BIN_SIZES = [20, 30, 60, 120, 180, 360, 720, 1440] as const;

/** "set the binDelay parameter with the known delay value or greater, up to 1440 minutes". */
export const MAX_BIN_DELAY_MINUTES = 1440;

const text = z.string().min(1, { error: 'must not be empty' });

export const summaryRuleSchema = z.strictObject({
  /** The resource name (`[^/]+` in the REST spec); summarized rows carry it as `_RuleName`. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, {
    error: 'must be a resource name of letters, digits, "_", "." or "-" (such as SigninFailuresHourly)',
  }),
  displayName: text.optional(),
  description: text.optional(),
  /** "For rules that you create and configure, the ruleType property is always User." */
  ruleType: z.literal('User').default('User'),
  ruleDefinition: z.strictObject({
    query: text,
    binSize: z.number(),
    /** Minutes (see NOTES: the REST spec's description says seconds, the Learn page minutes). */
    binDelay: z.number().optional(),
    binStartTime: z.string().optional(),
    destinationTable: text,
    timeSelector: z.string().optional(),
  }),
});
export type SummaryRule = z.output<typeof summaryRuleSchema>;
