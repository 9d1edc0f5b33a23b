import type { SentinelApi } from '../sentinel/client.js';
import { DownstreamError } from '../sentinel/rest.js';
import { type IncidentContext, parseIncidentTrigger, type TriggerParse } from '../sentinel/trigger.js';

export type LoadedIncident = TriggerParse | { ok: false; notFound: true };

/**
 * The incident as SecurityInsights holds it, with the entities it holds, for the incident a caller
 * names. A responder acts on this, never on the title, status or entities in the request body: a
 * caller holding the function key must not be able to make it disable an account, isolate a host or
 * block an address that no incident contains, or act on an incident that does not exist.
 */
export async function loadHeldIncident(
  named: IncidentContext,
  sentinel: SentinelApi,
): Promise<LoadedIncident> {
  let stored: Awaited<ReturnType<SentinelApi['getIncident']>>;
  let entities: unknown[];
  try {
    stored = await sentinel.getIncident(named.ref);
    entities = await sentinel.listIncidentEntities(named.ref);
  } catch (error) {
    if (error instanceof DownstreamError && error.status === 404) return { ok: false, notFound: true };
    throw error;
  }
  const parsed = parseIncidentTrigger({
    id: named.armId,
    properties: { ...stored.properties, relatedEntities: entities },
  });
  if (!parsed.ok) return parsed;
  return { ok: true, incident: { ...parsed.incident, ref: named.ref, workspaceId: named.workspaceId } };
}
