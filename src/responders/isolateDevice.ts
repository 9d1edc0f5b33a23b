import { setTimeout as sleep } from 'node:timers/promises';
import type { HostEntity, ResponseTarget } from '../sentinel/trigger.js';
import {
  type ActionDeps,
  ActionFailed,
  auditComment,
  NotApplicable,
  type ResponderResult,
  runActions,
  skipped,
  stableId,
} from './action.js';
import { type DefenderApi, isFinal, type Machine, type MachineAction } from './defender.js';

export interface IsolateDeviceDeps extends ActionDeps {
  defender: DefenderApi;
  /** How long to follow the machine action to a final status; default 60 s (the relay's HTTP call must end). */
  maxWaitMs?: number;
  pollIntervalMs?: number;
}

const ACTION = 'isolate-device';

/** The Defender machine for a host entity: by its Defender device id when it has one, else by name. */
async function machineFor(host: HostEntity, defender: DefenderApi): Promise<Machine> {
  if (host.defenderDeviceId) {
    const machine = await defender.getMachine(host.defenderDeviceId);
    if (!machine) throw new NotApplicable(`Defender for Endpoint has no machine ${host.defenderDeviceId}`);
    return machine;
  }
  const machines = await defender.findMachinesByName(host.dnsName);
  if (machines.length === 0) throw new NotApplicable('no Defender for Endpoint machine with this name');
  // Isolating the wrong machine is worse than not isolating: ambiguity is left to an analyst.
  if (machines.length > 1)
    throw new NotApplicable(
      `${machines.length} Defender machines match this name (${machines.map((m) => m.computerDnsName).join(', ')})`,
    );
  return machines[0];
}

/**
 * Full network isolation in Defender for Endpoint for each host entity, followed to a final machine action
 * status: the 201 of POST .../isolate only says the request is queued. An isolation still pending when a
 * trigger runs again (a retry) is followed, not requested twice.
 */
export async function isolateDevices(
  incident: ResponseTarget,
  deps: IsolateDeviceDeps,
): Promise<ResponderResult> {
  const label = incident.ref
    ? incident.number !== undefined
      ? `incident ${incident.number}`
      : 'a Sentinel incident'
    : `Sentinel alert ${incident.title}`.slice(0, 200);
  const maxWaitMs = deps.maxWaitMs ?? 60_000;
  const pollIntervalMs = deps.pollIntervalMs ?? 5_000;

  const follow = async (started: MachineAction): Promise<MachineAction> => {
    const deadline = Date.now() + maxWaitMs;
    let current = started;
    while (!isFinal(current) && Date.now() < deadline) {
      await sleep(Math.min(pollIntervalMs, Math.max(0, deadline - Date.now())));
      current = await deps.defender.getMachineAction(started.id);
    }
    return current;
  };

  const items = incident.entities.hosts.map((host) => {
    const target = host.dnsName;
    // Failures are written to the incident too, under the comment id a success would use, so the
    // incident always shows the latest state of the request.
    const report = async (detail: string) => {
      if (incident.ref) {
        await deps.sentinel.putComment(
          incident.ref,
          stableId(incident.armId, ACTION, target),
          auditComment(ACTION, target, detail),
        );
      }
    };
    return {
      action: ACTION,
      target,
      async run() {
        const machine = await machineFor(host, deps.defender);
        const [open] = await deps.defender.openIsolations(machine.id);
        const requested =
          open ?? (await deps.defender.isolateMachine(machine.id, `sentinel-kit: isolated for ${label}`));
        const final = await follow(requested);
        const what = `full isolation of ${target} (machine ${machine.id}, action ${requested.id})`;
        if (final.status === 'Succeeded') return `Isolated: ${what} succeeded.`;
        if (!isFinal(final)) {
          const detail = `Not isolated yet: ${what} is still ${final.status} after ${Math.round(maxWaitMs / 1000)} s; a retry follows the same action.`;
          await report(detail);
          throw new ActionFailed(`Defender isolation ${requested.id} still ${final.status}`, true);
        }
        await report(`Not isolated: ${what} ended ${final.status}.`);
        throw new ActionFailed(`Defender isolation ${requested.id} ended ${final.status}`, false);
      },
    };
  });
  return runActions(incident, deps, items, skipped(ACTION, 'incident', 'no host entities'));
}
