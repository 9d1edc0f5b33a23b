import { encodePath, type RestClient, type ServiceClientOptions, serviceClient } from '../sentinel/rest.js';

export interface Machine {
  id: string;
  computerDnsName: string;
}

/** The Defender for Endpoint API calls responders make; the local SOC can implement it in-process. */
export interface DefenderApi {
  findMachinesByDnsName(dnsName: string): Promise<Machine[]>;
  /** Returns the machine action id. */
  isolateMachine(machineId: string, comment: string): Promise<string>;
}

/** OData string literal: single quotes are escaped by doubling them. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export class DefenderClient implements DefenderApi {
  private readonly rest: RestClient;

  constructor(options: ServiceClientOptions) {
    this.rest = serviceClient('Defender', 'https://api.securitycenter.microsoft.com', options);
  }

  async findMachinesByDnsName(dnsName: string): Promise<Machine[]> {
    const response = await this.rest.send({
      method: 'GET',
      path: encodePath('api', 'machines'),
      query: { $filter: `computerDnsName eq ${odataString(dnsName)}` },
    });
    const value = (response.body as { value?: Machine[] }).value ?? [];
    return value.map((m) => ({ id: m.id, computerDnsName: m.computerDnsName }));
  }

  async isolateMachine(machineId: string, comment: string): Promise<string> {
    const response = await this.rest.send({
      method: 'POST',
      path: encodePath('api', 'machines', machineId, 'isolate'),
      body: { Comment: comment, IsolationType: 'Full' },
    });
    return String((response.body as { id?: unknown }).id ?? '');
  }
}
