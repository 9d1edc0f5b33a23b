import type { Entity as AlertEntity } from '../../rules/schedule/index.js';
import type { Entity } from '../incidents/store.js';

/**
 * Alert entities (rule identifiers such as Account.FullName) in the shape incident APIs and the
 * incident trigger use: `{kind, properties}` with the entity's camel-case property names.
 * https://learn.microsoft.com/en-us/azure/sentinel/entities-reference
 */
export function toIncidentEntity(entity: AlertEntity): Entity {
  const ids = entity.identifiers;
  const properties: Record<string, unknown> = {};
  for (const [identifier, value] of Object.entries(ids)) {
    properties[identifier.charAt(0).toLowerCase() + identifier.slice(1)] = value;
  }
  switch (entity.type) {
    case 'Account': {
      const [name, suffix] = (ids.FullName ?? '').split('@');
      properties.accountName = ids.Name ?? name ?? '';
      if (ids.UPNSuffix ?? suffix) properties.upnSuffix = ids.UPNSuffix ?? suffix;
      if (ids.AadUserId) properties.aadUserId = ids.AadUserId;
      properties.friendlyName = ids.FullName ?? ids.Name ?? ids.DisplayName ?? '';
      return { kind: 'Account', properties };
    }
    case 'IP':
      return { kind: 'Ip', properties: { address: ids.Address, friendlyName: ids.Address } };
    case 'Host': {
      const [host, ...domain] = (ids.FullName ?? '').split('.');
      properties.hostName = ids.HostName ?? host;
      const dnsDomain = ids.DnsDomain ?? (domain.length > 0 ? domain.join('.') : undefined);
      if (dnsDomain) properties.dnsDomain = dnsDomain;
      properties.friendlyName = ids.FullName ?? ids.HostName ?? '';
      return { kind: 'Host', properties };
    }
    default:
      return { kind: entity.type, properties: { ...properties, friendlyName: Object.values(ids)[0] ?? '' } };
  }
}
