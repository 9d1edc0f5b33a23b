import type { IncidentContext } from '../sentinel/trigger.js';
import { type ActionDeps, NotApplicable, type ResponderResult, runActions, skipped } from './action.js';
import type { DefenderApi } from './defender.js';

export interface IsolateDeviceDeps extends ActionDeps {
  defender: DefenderApi;
}

const ACTION = 'isolate-device';

/** Full network isolation in Defender for Endpoint for each host entity, found by computerDnsName. */
export async function isolateDevices(
  incident: IncidentContext,
  deps: IsolateDeviceDeps,
): Promise<ResponderResult> {
  const label = incident.number !== undefined ? `incident ${incident.number}` : 'a Sentinel incident';
  const items = incident.entities.hosts.map(({ dnsName }) => ({
    action: ACTION,
    target: dnsName,
    async run() {
      const machines = await deps.defender.findMachinesByDnsName(dnsName);
      if (machines.length === 0)
        throw new NotApplicable('no Defender for Endpoint machine with this DNS name');
      // Isolating the wrong machine is worse than not isolating: ambiguity is left to an analyst.
      if (machines.length > 1) throw new NotApplicable(`${machines.length} machines share this DNS name`);
      const actionId = await deps.defender.isolateMachine(
        machines[0].id,
        `sentinel-kit: isolated for ${label}`,
      );
      return `Requested full isolation of ${dnsName} (machine ${machines[0].id}, action ${actionId}).`;
    },
  }));
  return runActions(incident, deps, items, skipped(ACTION, 'incident', 'no host entities'));
}
