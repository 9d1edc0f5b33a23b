import { BlockList, isIP } from 'node:net';
import type { IncidentContext } from '../sentinel/trigger.js';
import { type ActionDeps, type ActionItem, type ResponderResult, runActions, skipped } from './action.js';
import type { GraphApi } from './graph.js';

export interface BlockIpDeps extends ActionDeps {
  graph: GraphApi;
  /** Id of the IP named location that a Conditional Access policy blocks. */
  namedLocationId: string;
}

const ACTION = 'block-ip';

// Blocking these in Conditional Access cannot stop an attacker and can lock out internal users.
const NOT_ROUTABLE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['100.64.0.0', 10],
] as const) {
  NOT_ROUTABLE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  NOT_ROUTABLE.addSubnet(network, prefix, 'ipv6');
}

function hostCidr(ip: string): string {
  return isIP(ip) === 6 ? `${ip.toLowerCase()}/128` : `${ip}/32`;
}

/**
 * Adds each public IP entity as a /32 (/128) to a Conditional Access IP named location. PATCH replaces the
 * whole range list, so the read-modify-write runs under a ledger lease: concurrent incidents adding
 * different IPs would otherwise overwrite each other's additions.
 */
export async function blockIps(incident: IncidentContext, deps: BlockIpDeps): Promise<ResponderResult> {
  const items: ActionItem[] = incident.entities.ips.map((ip) => {
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    const cidr = hostCidr(ip);
    if (NOT_ROUTABLE.check(ip, family))
      return skipped(ACTION, cidr, 'private, loopback or link-local address');
    return {
      action: ACTION,
      target: cidr,
      run: () =>
        deps.ledger.withLease(`named-location:${deps.namedLocationId}`, async () => {
          const location = await deps.graph.getNamedLocation(deps.namedLocationId);
          const name = location.displayName ?? location.id;
          if (location.cidrs.some((c) => c.toLowerCase() === cidr))
            return `${cidr} was already in named location ${name}.`;
          await deps.graph.setNamedLocationCidrs(deps.namedLocationId, [...location.cidrs, cidr]);
          return `Added ${cidr} to Conditional Access named location ${name}.`;
        }),
    };
  });
  return runActions(incident, deps, items, skipped(ACTION, 'incident', 'no IP entities'));
}
