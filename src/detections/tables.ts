/**
 * What Defender says about advanced-hunting tables in custom detections.
 * https://learn.microsoft.com/en-us/defender-xdr/custom-detection-rules
 */

/**
 * Tables that support Continuous (NRT) frequency, from "Tables that support Continuous (NRT)
 * frequency" (EmailEvents except its LatestDeliveryLocation and LatestDeliveryAction columns).
 */
export const NRT_TABLES: ReadonlySet<string> = new Set([
  'AlertEvidence',
  'CloudAppEvents',
  'DeviceEvents',
  'DeviceFileCertificateInfo',
  'DeviceFileEvents',
  'DeviceImageLoadEvents',
  'DeviceLogonEvents',
  'DeviceNetworkEvents',
  'DeviceNetworkInfo',
  'DeviceInfo',
  'DeviceProcessEvents',
  'DeviceRegistryEvents',
  'EmailAttachmentInfo',
  'EmailEvents',
  'EmailPostDeliveryEvents',
  'EmailUrlInfo',
  'IdentityDirectoryEvents',
  'IdentityLogonEvents',
  'IdentityQueryEvents',
  'UrlClickEvents',
]);

/** EmailEvents columns that do not support NRT (same section). */
export const NRT_EXCLUDED_COLUMNS: ReadonlyMap<string, readonly string[]> = new Map([
  ['EmailEvents', ['LatestDeliveryLocation', 'LatestDeliveryAction']],
]);

/**
 * Defender XDR's own advanced-hunting tables (advanced-hunting-schema-tables): every table a
 * Defender product writes is named with one of these prefixes or is listed. Tables outside it are
 * Microsoft Sentinel data, which is what allows a Custom frequency.
 */
const DEFENDER_PREFIXES = [
  'Device',
  'Email',
  'Identity',
  'Alert',
  'Exposure',
  'Behavior',
  'Ai',
  'Campaign',
  'Message',
];
const DEFENDER_TABLES = new Set([
  'CloudAppEvents',
  'CloudAuditEvents',
  'CloudProcessEvents',
  'UrlClickEvents',
  'OAuthAppInfo',
  'DataSecurityEvents',
  'GraphApiAuditEvents',
  'EntraIdSignInEvents',
  'EntraIdSpnSignInEvents',
]);

export function isDefenderTable(name: string): boolean {
  return (
    DEFENDER_TABLES.has(name) || DEFENDER_PREFIXES.some((prefix) => new RegExp(`^${prefix}[A-Z]`).test(name))
  );
}

/** Microsoft Defender for Endpoint tables: "include DeviceId and ReportId" (Required columns). */
export function isEndpointTable(name: string): boolean {
  return /^Device[A-Z]/.test(name);
}

/**
 * "One of the following columns that identify specific devices, users, or mailboxes" a result must
 * carry (Required columns in the query results).
 */
export const IDENTIFYING_COLUMNS: readonly string[] = [
  'DeviceId',
  'DeviceName',
  'RemoteDeviceName',
  'RecipientEmailAddress',
  'SenderFromAddress',
  'SenderMailFromAddress',
  'SenderObjectId',
  'RecipientObjectId',
  'AccountObjectId',
  'AccountSid',
  'AccountUpn',
  'InitiatingProcessAccountSid',
  'InitiatingProcessAccountUpn',
  'InitiatingProcessAccountObjectId',
];

/**
 * The columns each kind of action reads ("Specify actions"): device actions the DeviceId column;
 * Disable user / Force password reset "require the user SID, which are in the columns AccountSid,
 * InitiatingProcessAccountSid, RequestAccountSid, and OnPremSid"; Mark user as compromised
 * AccountObjectId, InitiatingProcessAccountObjectId or RecipientObjectId; Quarantine file SHA1,
 * InitiatingProcessSHA1, SHA256 or InitiatingProcessSHA256.
 */
export const ACTION_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  device: ['DeviceId'],
  accountSid: ['AccountSid', 'InitiatingProcessAccountSid', 'RequestAccountSid', 'OnPremSid'],
  accountObjectId: ['AccountObjectId', 'InitiatingProcessAccountObjectId', 'RecipientObjectId'],
  file: ['SHA1', 'InitiatingProcessSHA1', 'SHA256', 'InitiatingProcessSHA256'],
};
