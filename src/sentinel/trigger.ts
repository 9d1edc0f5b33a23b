import { isIP } from 'node:net';
import { z } from 'zod';
import type { Diagnostic } from '../diagnostics.js';
import { canonicalIncidentArmId, type IncidentRef, parseIncidentArmId } from './armId.js';
import {
  type IncidentLabel,
  type IncidentOwner,
  type IncidentSeverity,
  type IncidentStatus,
  incidentSeverities,
  incidentStatuses,
} from './client.js';

/*
 * Body of the Logic Apps "Microsoft Sentinel incident" trigger, relayed as-is by the playbook:
 *   { workspaceInfo: {SubscriptionId, ResourceGroupName, WorkspaceName}, workspaceId, objectSchemaType,
 *     objectEventType, object: { id, name, properties: { incidentNumber, title, severity, status, owner,
 *     labels, providerIncidentId, relatedAnalyticRuleIds, additionalData, relatedEntities, ... } } }
 * or just the incident resource (`@triggerBody()?['object']`, the shape automation rules pass around).
 * Unknown properties are allowed (Sentinel adds fields over time); the ones we act on are checked.
 */

const shortText = z.string().max(1024);
const entitySchema = z.looseObject({
  kind: z.string().max(64),
  properties: z.record(z.string(), z.unknown()).default({}),
});
const labelSchema = z.looseObject({
  labelName: z.string().min(1).max(256),
  labelType: z.string().optional(),
});
const ownerSchema = z.looseObject({
  objectId: z.string().nullish(),
  email: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
  assignedTo: z.string().nullish(),
});
// Sentinel caps an alert at 150 entities (more are dropped); an incident groups up to 150 alerts.
const entityList = z.array(entitySchema).max(5000);

const incidentSchema = z.looseObject({
  id: z.string().max(1024),
  name: z.string().max(128).optional(),
  properties: z.looseObject({
    incidentNumber: z.number().int().nonnegative().optional(),
    title: z.string().min(1).max(4096),
    severity: z.enum(incidentSeverities),
    status: z.enum(incidentStatuses),
    owner: ownerSchema.nullish(),
    labels: z.array(labelSchema).max(500).default([]),
    providerIncidentId: shortText.nullish(),
    relatedAnalyticRuleIds: z.array(shortText).max(500).default([]),
    additionalData: z.looseObject({ alertsCount: z.number().int().nonnegative().optional() }).optional(),
    relatedEntities: entityList.default([]),
  }),
});

const triggerSchema = z.looseObject({
  object: incidentSchema,
  workspaceId: z.guid().optional(),
  workspaceInfo: z
    .looseObject({ SubscriptionId: z.string(), ResourceGroupName: z.string(), WorkspaceName: z.string() })
    .optional(),
  IncidentArmID: z.string().max(1024).optional(),
  Entities: entityList.optional(),
});

export interface AccountEntity {
  /** Object id when Sentinel resolved the account to Entra ID, else undefined. */
  aadUserId?: string;
  /** accountName@upnSuffix, when both are known. */
  userPrincipalName?: string;
  display: string;
}

export interface HostEntity {
  /** FQDN when the DNS domain is known, else the bare host name (MDE's computerDnsName is the FQDN). */
  dnsName: string;
  /**
   * The Defender for Endpoint device id, when the alert came from Defender: `additionalData.MdatpDeviceId`,
   * as Microsoft's own isolation playbook reads it (Azure/Azure-Sentinel,
   * Solutions/MicrosoftDefenderForEndpoint/Playbooks/Isolate-MDEMachine).
   */
  defenderDeviceId?: string;
}

export interface IncidentEntities {
  accounts: AccountEntity[];
  ips: string[];
  hosts: HostEntity[];
}

/** A validated incident, reduced to what responders use. */
export interface IncidentContext {
  ref: IncidentRef;
  /** Lower-cased ARM id: the identity of the incident for ledgers and comparisons. */
  armId: string;
  /** Log Analytics workspace (customer) id, present in the trigger body. */
  workspaceId?: string;
  number?: number;
  title: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  owner?: IncidentOwner;
  labels: IncidentLabel[];
  alertsCount?: number;
  entities: IncidentEntities;
}

/**
 * A validated alert (the alert-created trigger), shaped like an incident context so that responders
 * acting on entities serve both. An alert has no incident resource: nothing to comment on or update.
 */
export interface AlertContext extends Omit<IncidentContext, 'ref' | 'severity' | 'status'> {
  source: 'alert';
  ref?: undefined;
  /** SystemAlertId. */
  alertId: string;
  /** AlertSeverity and Status as the SecurityAlert table holds them. */
  severity: string;
  status: string;
}

/** What a responder acts on: an incident, or an alert for responders that accept the alert trigger. */
export type ResponseTarget = IncidentContext | AlertContext;

export type TriggerParse = { ok: true; incident: IncidentContext } | { ok: false; diagnostics: Diagnostic[] };

function invalid(message: string, code = 'RSP001'): TriggerParse {
  return { ok: false, diagnostics: [{ code, severity: 'error', message }] };
}

// Entity values reach query text, URLs and comments; values with control characters other than tab and
// newline have no legitimate use there and no KQL escape, so such entities are dropped.
// biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function text(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 1024 || CONTROL.test(value)) return undefined;
  return value.trim() || undefined;
}

/** Defender for Endpoint machine ids are 40 hex digits. */
const MDE_DEVICE_ID = /^[0-9a-f]{40}$/i;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Incident-API entities (`{kind, properties}`) reduced to the ones responders act on. */
export function toEntities(raw: z.infer<typeof entityList>): IncidentEntities {
  const accounts = new Map<string, AccountEntity>();
  const ips = new Set<string>();
  const hosts = new Map<string, HostEntity>();
  for (const { kind, properties: p } of raw) {
    switch (kind.toLowerCase()) {
      case 'account': {
        const name = text(p.accountName);
        const suffix = text(p.upnSuffix);
        const aad = text(p.aadUserId);
        const account: AccountEntity = {
          aadUserId: aad && GUID.test(aad) ? aad.toLowerCase() : undefined,
          userPrincipalName: name && suffix ? `${name}@${suffix}` : undefined,
          display: text(p.friendlyName) ?? (name && suffix ? `${name}@${suffix}` : (name ?? aad ?? '')),
        };
        const key = (account.aadUserId ?? account.userPrincipalName ?? '').toLowerCase();
        if (key) accounts.set(key, account);
        break;
      }
      case 'ip': {
        const address = text(p.address);
        if (address && isIP(address)) ips.add(address);
        break;
      }
      case 'host': {
        const host = text(p.hostName);
        const domain = text(p.dnsDomain);
        if (host) {
          const dnsName = (domain ? `${host}.${domain}` : host).toLowerCase();
          const deviceId = text((p.additionalData as Record<string, unknown> | undefined)?.MdatpDeviceId);
          const defenderDeviceId =
            (deviceId && MDE_DEVICE_ID.test(deviceId) ? deviceId.toLowerCase() : undefined) ??
            hosts.get(dnsName)?.defenderDeviceId;
          hosts.set(dnsName, defenderDeviceId ? { dnsName, defenderDeviceId } : { dnsName });
        }
        break;
      }
    }
  }
  return { accounts: [...accounts.values()], ips: [...ips], hosts: [...hosts.values()] };
}

/** The first 10 issues of a request body, as `path.to.field: message` under `root`. */
export function requestIssues(error: z.ZodError, code: string, root?: string): Diagnostic[] {
  // Messages name the path and the expectation, never the offending value: the 400 goes back to the caller.
  return error.issues.slice(0, 10).map((issue) => ({
    code,
    severity: 'error' as const,
    message: `${[root, ...issue.path].filter((p) => p !== undefined).join('.') || '(body)'}: ${issue.message}`,
  }));
}

/** Validates a relayed Sentinel incident trigger body (or bare incident resource). */
export function parseIncidentTrigger(body: unknown): TriggerParse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return invalid('body must be a JSON object: the Sentinel incident trigger body or an incident resource');
  }
  const wrapped = 'object' in body;
  const parsed = wrapped ? triggerSchema.safeParse(body) : incidentSchema.safeParse(body);
  if (!parsed.success) return { ok: false, diagnostics: requestIssues(parsed.error, 'RSP001') };
  const trigger = wrapped ? (parsed.data as z.infer<typeof triggerSchema>) : undefined;
  const incident = trigger ? trigger.object : (parsed.data as z.infer<typeof incidentSchema>);

  const ref = parseIncidentArmId(incident.id);
  if (!ref) return invalid('object.id: not a Microsoft.SecurityInsights incident ARM id', 'RSP002');
  const armId = canonicalIncidentArmId(ref);
  if (trigger?.IncidentArmID) {
    const other = parseIncidentArmId(
      trigger.IncidentArmID.startsWith('/') ? trigger.IncidentArmID : `/${trigger.IncidentArmID}`,
    );
    if (!other || canonicalIncidentArmId(other) !== armId) {
      return invalid('IncidentArmID does not match object.id', 'RSP003');
    }
  }
  const info = trigger?.workspaceInfo;
  if (
    info &&
    (info.SubscriptionId.toLowerCase() !== ref.subscriptionId ||
      info.ResourceGroupName.toLowerCase() !== ref.resourceGroup.toLowerCase() ||
      info.WorkspaceName.toLowerCase() !== ref.workspaceName.toLowerCase())
  ) {
    return invalid('workspaceInfo does not match the workspace in object.id', 'RSP003');
  }

  const p = incident.properties;
  const owner = p.owner
    ? Object.fromEntries(Object.entries(p.owner).filter(([, v]) => typeof v === 'string' && v !== ''))
    : undefined;
  return {
    ok: true,
    incident: {
      ref,
      armId,
      workspaceId: trigger?.workspaceId?.toLowerCase(),
      number: p.incidentNumber,
      title: p.title,
      severity: p.severity,
      status: p.status,
      owner: owner && Object.keys(owner).length ? (owner as IncidentOwner) : undefined,
      labels: p.labels.map((l) => ({ labelName: l.labelName, labelType: l.labelType })),
      alertsCount: p.additionalData?.alertsCount,
      entities: toEntities([...p.relatedEntities, ...(trigger?.Entities ?? [])]),
    },
  };
}
