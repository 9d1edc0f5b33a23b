import { encodePath, type RestClient, type ServiceClientOptions, serviceClient } from '../sentinel/rest.js';

export interface Machine {
  id: string;
  computerDnsName: string;
}

/**
 * A machine action (https://learn.microsoft.com/defender-endpoint/api/machineaction): `Pending` and
 * `InProgress` until it reaches `Succeeded`, `Failed`, `TimeOut` or `Cancelled`. POST .../isolate answers
 * 201 with the action still `Pending`: the request is accepted, the device not yet isolated.
 */
export interface MachineAction {
  id: string;
  status: string;
  machineId?: string;
  creationDateTimeUtc?: string;
}

export const FINAL_ACTION_STATUSES = ['Succeeded', 'Failed', 'TimeOut', 'Cancelled'] as const;

export function isFinal(action: MachineAction): boolean {
  return (FINAL_ACTION_STATUSES as readonly string[]).includes(action.status);
}

/** The Defender for Endpoint API calls responders make; the local SOC can implement it in-process. */
export interface DefenderApi {
  /** The machine with this Defender device id, or undefined when Defender knows none. */
  getMachine(machineId: string): Promise<Machine | undefined>;
  /** Machines whose computerDnsName is `name` or, for a bare host name, starts with `name.`. */
  findMachinesByName(name: string): Promise<Machine[]>;
  isolateMachine(machineId: string, comment: string): Promise<MachineAction>;
  getMachineAction(actionId: string): Promise<MachineAction>;
  /** Isolation requests for the machine that have not reached a final status. */
  openIsolations(machineId: string): Promise<MachineAction[]>;
}

/** OData string literal: single quotes are escaped by doubling them. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function action(body: unknown): MachineAction {
  const a = (body ?? {}) as Partial<MachineAction>;
  return {
    id: String(a.id ?? ''),
    status: String(a.status ?? ''),
    machineId: a.machineId,
    creationDateTimeUtc: a.creationDateTimeUtc,
  };
}

export class DefenderClient implements DefenderApi {
  private readonly rest: RestClient;

  constructor(options: ServiceClientOptions) {
    // The regional (api-us, api-eu, api-uk...) and api.security.microsoft.com hosts take the commercial
    // WindowsDefenderATP audience; the US Government hosts (api-gcc/api-gov.securitycenter.microsoft.us)
    // are their own (https://learn.microsoft.com/defender-endpoint/gov).
    this.rest = serviceClient('Defender', 'https://api.securitycenter.microsoft.com', options, (host) =>
      host.endsWith('.microsoft.com'),
    );
  }

  async getMachine(machineId: string): Promise<Machine | undefined> {
    const response = await this.rest.send(
      { method: 'GET', path: encodePath('api', 'machines', machineId) },
      [404],
    );
    if (response.status === 404) return undefined;
    const m = response.body as Machine;
    return { id: m.id, computerDnsName: m.computerDnsName };
  }

  async findMachinesByName(name: string): Promise<Machine[]> {
    // computerDnsName is the FQDN when the device knows its domain; a Sentinel host entity often carries the
    // bare host name. startswith is one of the documented $filter forms of List machines
    // (https://learn.microsoft.com/defender-endpoint/api/exposed-apis-odata-samples).
    const lower = name.toLowerCase();
    const response = await this.rest.send({
      method: 'GET',
      path: encodePath('api', 'machines'),
      query: { $filter: `startswith(computerDnsName,${odataString(lower)})` },
    });
    const value = (response.body as { value?: Machine[] }).value ?? [];
    return value
      .map((m) => ({ id: m.id, computerDnsName: m.computerDnsName }))
      .filter((m) => {
        const dns = (m.computerDnsName ?? '').toLowerCase();
        return dns === lower || (!lower.includes('.') && dns.startsWith(`${lower}.`));
      });
  }

  async isolateMachine(machineId: string, comment: string): Promise<MachineAction> {
    const response = await this.rest.send({
      method: 'POST',
      path: encodePath('api', 'machines', machineId, 'isolate'),
      body: { Comment: comment, IsolationType: 'Full' },
    });
    return action(response.body);
  }

  async getMachineAction(actionId: string): Promise<MachineAction> {
    const response = await this.rest.send({
      method: 'GET',
      path: encodePath('api', 'machineactions', actionId),
    });
    return action(response.body);
  }

  async openIsolations(machineId: string): Promise<MachineAction[]> {
    const response = await this.rest.send({
      method: 'GET',
      path: encodePath('api', 'machineactions'),
      query: { $filter: `machineId eq ${odataString(machineId)} and type eq 'Isolate'` },
    });
    const value = ((response.body as { value?: unknown[] }).value ?? []).map(action);
    return value.filter((a) => !isFinal(a));
  }
}
