import { z } from 'zod';
import type { Diagnostic } from '../diagnostics.js';
import { type IncidentEntities, requestIssues, toEntities } from './trigger.js';

/*
 * Body of the Logic Apps "Microsoft Sentinel alert" trigger (the alert-created automation trigger),
 * relayed as-is: the alert itself, in the security alert schema, flat at the top level:
 *   { SystemAlertId, AlertDisplayName, Severity, Status, StartTimeUtc, EndTimeUtc, TimeGenerated,
 *     ProductName, AlertType, Description, Tactics, Entities: [{ "$id", ...identifiers, Type }],
 *     ExtendedProperties: {...}, WorkspaceId, WorkspaceSubscriptionId, WorkspaceResourceGroup, ... }
 * (https://learn.microsoft.com/azure/defender-for-cloud/alerts-schemas; Microsoft's alert-trigger
 * playbooks in Azure/Azure-Sentinel read triggerBody()?['SystemAlertId'], ['WorkspaceSubscriptionId'],
 * ['WorkspaceResourceGroup'] and ['WorkspaceId'] to find the alert's incident.)
 * Only the alert's identity is taken from the body; what a responder acts on is read back from the
 * workspace's SecurityAlert table (src/responders/alert.ts).
 */

// Scheduled-rule alerts carry a GUID; alerts of other products use ids like `2517..._7692caa7-...`.
// The id is written into a KQL string literal, so only these characters are accepted.
const ALERT_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,255}$/;

const alertTriggerSchema = z.looseObject({
  SystemAlertId: z.string().regex(ALERT_ID, 'expected a SystemAlertId (letters, digits, _ . : -)'),
  WorkspaceId: z.guid(),
  WorkspaceSubscriptionId: z.guid().optional(),
  WorkspaceResourceGroup: z.string().max(90).optional(),
  TimeGenerated: z.string().max(64).optional(),
  StartTimeUtc: z.string().max(64).optional(),
});

export interface AlertRef {
  systemAlertId: string;
  /** Log Analytics workspace (customer) id of the workspace that holds the alert. */
  workspaceId: string;
  /** When the body says the alert happened (untrusted; only used to tell "not yet queryable" from "unknown"). */
  claimedTime?: Date;
}

export type AlertTriggerParse = { ok: true; alert: AlertRef } | { ok: false; diagnostics: Diagnostic[] };

/** True when the body is an alert trigger body rather than an incident trigger body or incident. */
export function isAlertTrigger(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'SystemAlertId' in body;
}

export function parseAlertTrigger(body: unknown): AlertTriggerParse {
  const parsed = alertTriggerSchema.safeParse(body);
  if (!parsed.success) return { ok: false, diagnostics: requestIssues(parsed.error, 'RSP001') };
  const { SystemAlertId, WorkspaceId, TimeGenerated, StartTimeUtc } = parsed.data;
  const claimed = Date.parse(TimeGenerated ?? StartTimeUtc ?? '');
  return {
    ok: true,
    alert: {
      systemAlertId: SystemAlertId,
      workspaceId: WorkspaceId.toLowerCase(),
      claimedTime: Number.isNaN(claimed) ? undefined : new Date(claimed),
    },
  };
}

/** Identifier names of the SecurityAlert Entities form → the incident-API property names toEntities reads. */
const INCIDENT_PROPERTY: Record<string, Record<string, string>> = {
  account: {
    Name: 'accountName',
    UPNSuffix: 'upnSuffix',
    AadUserId: 'aadUserId',
    DisplayName: 'friendlyName',
  },
  ip: { Address: 'address' },
  host: { HostName: 'hostName', DnsDomain: 'dnsDomain' },
};
const INCIDENT_KIND: Record<string, string> = { account: 'Account', ip: 'Ip', host: 'Host' };

/**
 * The entities of a SecurityAlert row's Entities column (`[{"$id":"2","Address":"...","Type":"ip"}]`,
 * a JSON string in the table, an array in the trigger body). Account FullName (`name@suffix`) and
 * Host FullName (`host.domain`) fill in the parts the mapping did not name; a host's MdatpDeviceId
 * (Defender alerts) is kept for isolation. Malformed entities are dropped, not guessed at.
 */
export function alertEntities(raw: unknown): IncidentEntities {
  let list: unknown = raw;
  if (typeof raw === 'string') {
    try {
      list = JSON.parse(raw);
    } catch {
      return { accounts: [], ips: [], hosts: [] };
    }
  }
  if (!Array.isArray(list)) return { accounts: [], ips: [], hosts: [] };
  const converted = list.slice(0, 5000).flatMap((entity) => {
    if (typeof entity !== 'object' || entity === null || Array.isArray(entity)) return [];
    const fields = entity as Record<string, unknown>;
    const type = typeof fields.Type === 'string' ? fields.Type.toLowerCase() : '';
    const names = INCIDENT_PROPERTY[type];
    if (!names) return [];
    const properties: Record<string, unknown> = {};
    for (const [identifier, property] of Object.entries(names)) {
      if (typeof fields[identifier] === 'string') properties[property] = fields[identifier];
    }
    const fullName = typeof fields.FullName === 'string' ? fields.FullName : undefined;
    if (type === 'account' && fullName?.includes('@')) {
      const at = fullName.lastIndexOf('@');
      properties.accountName ??= fullName.slice(0, at);
      properties.upnSuffix ??= fullName.slice(at + 1);
    }
    if (type === 'host' && fullName && !properties.hostName) {
      const [host, ...domain] = fullName.split('.');
      properties.hostName = host;
      if (domain.length > 0) properties.dnsDomain ??= domain.join('.');
    }
    if (type === 'host' && typeof fields.MdatpDeviceId === 'string') {
      properties.additionalData = { MdatpDeviceId: fields.MdatpDeviceId };
    }
    return [{ kind: INCIDENT_KIND[type], properties }];
  });
  return toEntities(converted);
}

/** The workspace an alert trigger body names. */
export interface AlertWorkspace {
  workspaceId: string;
  subscriptionId: string;
  resourceGroup: string;
}

function parsedJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * The alert trigger body for a SecurityAlert row: the row's columns under the security alert schema's
 * names (AlertName → AlertDisplayName, AlertSeverity → Severity, StartTime → StartTimeUtc, ...), with
 * Entities and ExtendedProperties as JSON values rather than text, and the workspace it lives in.
 */
export function alertTriggerBody(
  row: Record<string, unknown>,
  workspace: AlertWorkspace,
): Record<string, unknown> {
  const renamed: Record<string, string> = {
    AlertName: 'AlertDisplayName',
    AlertSeverity: 'Severity',
    StartTime: 'StartTimeUtc',
    EndTime: 'EndTimeUtc',
  };
  const body: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (column === 'DisplayName') continue;
    body[renamed[column] ?? column] =
      column === 'Entities' || column === 'ExtendedProperties' ? parsedJson(value) : value;
  }
  return {
    ...body,
    WorkspaceId: workspace.workspaceId,
    WorkspaceSubscriptionId: workspace.subscriptionId,
    WorkspaceResourceGroup: workspace.resourceGroup,
  };
}
