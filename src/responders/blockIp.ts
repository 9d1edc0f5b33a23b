import { BlockList, isIP } from 'node:net';
import type { ResponseTarget } from '../sentinel/trigger.js';
import {
  type ActionDeps,
  ActionFailed,
  type ActionItem,
  type ResponderResult,
  runActions,
  skipped,
} from './action.js';
import type { BlockRecords } from './blockRecords.js';
import type { GraphApi } from './graph.js';

export interface BlockIpDeps extends ActionDeps {
  graph: GraphApi;
  /** Id of the IP named location that a Conditional Access policy blocks. */
  namedLocationId: string;
  /** Expiry of the ranges this responder adds. */
  records: BlockRecords;
  /** How long a block lasts; default 7 days. A later incident with the same IP extends it. */
  ttlMs?: number;
  now?: () => number;
}

const ACTION = 'block-ip';

/**
 * "IP address ranges … up to 2,000 IP ranges per named location" (Conditional Access network assignment,
 * https://learn.microsoft.com/entra/identity/conditional-access/concept-assignment-network#ipv4-and-ipv6-address-ranges).
 */
export const MAX_NAMED_LOCATION_RANGES = 2000;

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
 * Adds each public IP entity as a /32 (/128) to a Conditional Access IP named location, until it expires.
 * PATCH replaces the whole range list and takes no etag, so each change is a read-modify-write under a
 * ledger lease (concurrent incidents never overwrite each other's additions), dropping the ranges this
 * responder added that have expired, refusing to pass the 2,000-range cap, and read back to verify.
 * What remains: an admin's edit in the portal between our read and our PATCH is overwritten, and the
 * verification read only sees whether our range is there (docs/responders.md).
 */
export async function blockIps(incident: ResponseTarget, deps: BlockIpDeps): Promise<ResponderResult> {
  const now = deps.now ?? Date.now;
  const ttlMs = deps.ttlMs ?? 7 * 86_400_000;
  const locationId = deps.namedLocationId;
  const items: ActionItem[] = incident.entities.ips.map((ip) => {
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    const cidr = hostCidr(ip);
    if (NOT_ROUTABLE.check(ip, family))
      return skipped(ACTION, cidr, 'private, loopback or link-local address');
    return {
      action: ACTION,
      target: cidr,
      run: () =>
        deps.ledger.withLease(`named-location:${locationId}`, async () => {
          const at = now();
          const expiresAt = new Date(at + ttlMs).toISOString();
          const location = await deps.graph.getNamedLocation(locationId);
          const name = location.displayName ?? location.id;
          const expired = new Set((await deps.records.expired(locationId, at)).map((c) => c.toLowerCase()));
          const kept = location.cidrs.filter((c) => !expired.has(c.toLowerCase()));
          const present = kept.some((c) => c.toLowerCase() === cidr);
          const next = present ? kept : [...kept, cidr];
          if (next.length > MAX_NAMED_LOCATION_RANGES) {
            throw new ActionFailed(
              `named location ${name} holds ${kept.length} ranges; adding ${cidr} would pass the ${MAX_NAMED_LOCATION_RANGES} Conditional Access allows`,
              false,
            );
          }
          // Recorded before the PATCH: a crash after it still leaves the range to expire.
          await deps.records.set(locationId, cidr, at + ttlMs);
          if (next.length !== location.cidrs.length || !present) {
            await deps.graph.setNamedLocationCidrs(locationId, next);
            const check = await deps.graph.getNamedLocation(locationId);
            if (!check.cidrs.some((c) => c.toLowerCase() === cidr)) {
              throw new ActionFailed(
                `named location ${name} changed concurrently: ${cidr} is not in it after the update`,
                true,
              );
            }
          }
          await deps.records.remove(
            locationId,
            [...expired].filter((c) => c !== cidr),
          );
          const pruned = location.cidrs.length - kept.length;
          const unblocked = pruned ? ` Removed ${pruned} expired range(s).` : '';
          return present
            ? `${cidr} was already in named location ${name}; blocked until ${expiresAt}.${unblocked}`
            : `Added ${cidr} to Conditional Access named location ${name} until ${expiresAt}.${unblocked}`;
        }),
    };
  });
  return runActions(incident, deps, items, skipped(ACTION, 'incident', 'no IP entities'));
}
