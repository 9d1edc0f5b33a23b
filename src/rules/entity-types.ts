/**
 * Sentinel entity types and the identifiers an analytics rule may map for each, with the
 * identifier sets of which at least one must be mapped (any one inner list, all of its members).
 * Source: "Microsoft Sentinel entity types reference" (learn.microsoft.com) and the Azure-Sentinel
 * repository's template validation (EntityMappingIdentifiers).
 */
export interface EntityTypeSpec {
  identifiers: readonly string[];
  required: readonly (readonly string[])[];
}

const one = (...names: string[]) => names.map((name) => [name]);

export const entityTypes: Readonly<Record<string, EntityTypeSpec>> = {
  Account: {
    identifiers: [
      'Name',
      'FullName',
      'NTDomain',
      'DnsDomain',
      'UPNSuffix',
      'Sid',
      'AadTenantId',
      'AadUserId',
      'PUID',
      'IsDomainJoined',
      'DisplayName',
      'ObjectGuid',
      // In the CI's EntityMappingIdentifiers (the account id of a third-party cloud app), not in
      // the Learn reference's table; published AWS rules map it.
      'CloudAppAccountId',
    ],
    required: one('FullName', 'Sid', 'Name', 'AadUserId', 'PUID', 'ObjectGuid'),
  },
  AzureResource: { identifiers: ['ResourceId'], required: one('ResourceId') },
  CloudApplication: { identifiers: ['AppId', 'Name', 'InstanceName'], required: one('AppId', 'Name') },
  DNS: { identifiers: ['DomainName'], required: one('DomainName') },
  File: { identifiers: ['Directory', 'Name'], required: one('Name') },
  FileHash: { identifiers: ['Algorithm', 'Value'], required: [['Algorithm', 'Value']] },
  Host: {
    identifiers: [
      'DnsDomain',
      'NTDomain',
      'HostName',
      'FullName',
      'NetBiosName',
      'AzureID',
      'OMSAgentID',
      'OSFamily',
      'OSVersion',
      'IsDomainJoined',
    ],
    required: one('FullName', 'HostName', 'NetBiosName', 'AzureID', 'OMSAgentID'),
  },
  IoTDevice: {
    identifiers: [
      'DeviceId',
      'DeviceName',
      'Manufacturer',
      'Model',
      'FirmwareVersion',
      'OperatingSystem',
      'MacAddress',
      'Protocols',
      'SerialNumber',
      'Source',
      'IoTSecurityAgentId',
      'DeviceType',
    ],
    required: one('DeviceId'),
  },
  IP: { identifiers: ['Address'], required: one('Address') },
  Mailbox: {
    identifiers: ['MailboxPrimaryAddress', 'DisplayName', 'Upn', 'ExternalDirectoryObjectId', 'RiskLevel'],
    required: one('MailboxPrimaryAddress'),
  },
  MailCluster: {
    identifiers: [
      'NetworkMessageIds',
      'CountByDeliveryStatus',
      'CountByThreatType',
      'CountByProtectionStatus',
      'Threats',
      'Query',
      'QueryTime',
      'MailCount',
      'IsVolumeAnomaly',
      'Source',
      'ClusterSourceIdentifier',
      'ClusterSourceType',
      'ClusterQueryStartTime',
      'ClusterQueryEndTime',
      'ClusterGroup',
    ],
    required: one('Query', 'Source'),
  },
  MailMessage: {
    identifiers: [
      'Recipient',
      'Urls',
      'Threats',
      'Sender',
      'P1Sender',
      'P1SenderDisplayName',
      'P1SenderDomain',
      'SenderIP',
      'P2Sender',
      'P2SenderDisplayName',
      'P2SenderDomain',
      'ReceivedDate',
      'NetworkMessageId',
      'InternetMessageId',
      'Subject',
      'BodyFingerprintBin1',
      'BodyFingerprintBin2',
      'BodyFingerprintBin3',
      'BodyFingerprintBin4',
      'BodyFingerprintBin5',
      'AntispamDirection',
      'DeliveryAction',
      'DeliveryLocation',
      'Language',
      'ThreatDetectionMethods',
    ],
    required: one('NetworkMessageId', 'Recipient'),
  },
  Malware: { identifiers: ['Name', 'Category'], required: one('Name') },
  Process: {
    identifiers: ['ProcessId', 'CommandLine', 'ElevationToken', 'CreationTimeUtc'],
    required: one('CommandLine', 'ProcessId'),
  },
  RegistryKey: { identifiers: ['Hive', 'Key'], required: one('Key', 'Hive') },
  RegistryValue: { identifiers: ['Name', 'Value', 'ValueType'], required: one('Name') },
  SecurityGroup: {
    identifiers: ['DistinguishedName', 'SID', 'ObjectGuid'],
    required: one('DistinguishedName', 'SID', 'ObjectGuid'),
  },
  SubmissionMail: {
    identifiers: [
      'NetworkMessageId',
      'Timestamp',
      'Recipient',
      'Sender',
      'SenderIp',
      'Subject',
      'ReportType',
      'SubmissionId',
      'SubmissionDate',
      'Submitter',
    ],
    required: one('SubmissionId', 'NetworkMessageId', 'Recipient', 'Submitter'),
  },
  URL: { identifiers: ['Url'], required: one('Url') },
};
