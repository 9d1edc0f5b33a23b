import { encodePath } from './rest.js';

/** The parts of `/subscriptions/…/workspaces/{ws}/providers/Microsoft.SecurityInsights/Incidents/{id}`. */
export interface IncidentRef {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  incidentId: string;
}

// Segment rules from the ARM naming docs: resource groups allow letters, digits, _ ( ) - . (1-90 chars);
// workspaces letters, digits and - (4-63); incident names are GUIDs but we accept any [\w-] token.
const INCIDENT_ARM_ID =
  /^\/subscriptions\/([0-9a-f-]{36})\/resourceGroups\/([\w().-]{1,90})\/providers\/Microsoft\.OperationalInsights\/workspaces\/([A-Za-z0-9-]{4,63})\/providers\/Microsoft\.SecurityInsights\/Incidents\/([\w-]{1,128})$/i;

export function parseIncidentArmId(id: string): IncidentRef | undefined {
  const match = INCIDENT_ARM_ID.exec(id);
  if (!match) return undefined;
  const [, subscriptionId, resourceGroup, workspaceName, incidentId] = match;
  return { subscriptionId: subscriptionId.toLowerCase(), resourceGroup, workspaceName, incidentId };
}

/** ARM ids are case-insensitive; this is the one spelling used for ledger keys and comparisons. */
export function canonicalIncidentArmId(ref: IncidentRef): string {
  return incidentPath(ref).toLowerCase();
}

/** Encoded ARM path of the incident, to which `/comments/{id}` or `/tasks/{id}` is appended. */
export function incidentPath(ref: IncidentRef): string {
  return (
    encodePath('subscriptions', ref.subscriptionId, 'resourceGroups', ref.resourceGroup) +
    encodePath('providers', 'Microsoft.OperationalInsights', 'workspaces', ref.workspaceName) +
    encodePath('providers', 'Microsoft.SecurityInsights', 'incidents', ref.incidentId)
  );
}
