import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { HttpError, type Router, readJson, sendJson } from '../http.js';
import { requireBearer } from '../serve.js';

/** A call a responder made to a sandboxed third-party API, shown in the UI instead of touching a tenant. */
export interface SandboxCall {
  at: string;
  service: 'Graph' | 'Defender' | 'Teams';
  action: string;
  target: string;
}

const maxBodyBytes = 1_000_000;

/**
 * Stand-ins for Microsoft Graph, Defender for Endpoint and a Teams webhook, in the request and
 * response shapes the responders' clients use, so containment actions run end to end locally
 * without disabling real users or isolating real devices. Every call is recorded.
 */
export function addSandboxRoutes(router: Router, clock: Clock): SandboxCall[] {
  const calls: SandboxCall[] = [];
  const namedLocations = new Map<string, { cidrAddress: string }[]>();
  const record = (service: SandboxCall['service'], action: string, target: string) =>
    calls.push({ at: clock.iso(), service, action, target });

  router.add(
    'PATCH',
    '/sandbox/graph/v1.0/users/:user',
    requireBearer(async ({ request, response, params }) => {
      const body = (await readJson(request, maxBodyBytes)) as { accountEnabled?: unknown };
      if (body?.accountEnabled !== false)
        throw new HttpError(400, 'BadRequest', 'the sandbox only disables accounts');
      record('Graph', 'disable user', params.user);
      response.writeHead(204).end();
    }),
  );
  router.add(
    'POST',
    '/sandbox/graph/v1.0/users/:user/revokeSignInSessions',
    requireBearer(({ response, params }) => {
      record('Graph', 'revoke sign-in sessions', params.user);
      sendJson(response, 200, { value: true });
    }),
  );
  // The key form Graph takes for a UPN starting with `$`: /users('$name@domain') (graph.ts userPath).
  const keyedUser = (segment: string): string => {
    const match = /^users\('((?:[^']|'')*)'\)$/.exec(segment);
    if (!match) throw new HttpError(404, 'NotFound', 'no such resource');
    return match[1].replace(/''/g, "'");
  };
  router.add(
    'PATCH',
    '/sandbox/graph/v1.0/:key',
    requireBearer(async ({ request, response, params }) => {
      const user = keyedUser(params.key);
      const body = (await readJson(request, maxBodyBytes)) as { accountEnabled?: unknown };
      if (body?.accountEnabled !== false)
        throw new HttpError(400, 'BadRequest', 'the sandbox only disables accounts');
      record('Graph', 'disable user', user);
      response.writeHead(204).end();
    }),
  );
  router.add(
    'POST',
    '/sandbox/graph/v1.0/:key/revokeSignInSessions',
    requireBearer(({ response, params }) => {
      record('Graph', 'revoke sign-in sessions', keyedUser(params.key));
      sendJson(response, 200, { value: true });
    }),
  );
  router.add(
    'GET',
    '/sandbox/graph/v1.0/identity/conditionalAccess/namedLocations/:id',
    requireBearer(({ response, params }) => {
      sendJson(response, 200, {
        '@odata.type': '#microsoft.graph.ipNamedLocation',
        id: params.id,
        displayName: 'sentinel-kit blocked IPs',
        ipRanges: namedLocations.get(params.id) ?? [],
      });
    }),
  );
  router.add(
    'PATCH',
    '/sandbox/graph/v1.0/identity/conditionalAccess/namedLocations/:id',
    requireBearer(async ({ request, response, params }) => {
      const body = (await readJson(request, maxBodyBytes)) as { ipRanges?: { cidrAddress?: unknown }[] };
      const ranges = (body?.ipRanges ?? []).flatMap((r) =>
        typeof r.cidrAddress === 'string' ? [{ cidrAddress: r.cidrAddress }] : [],
      );
      const before = new Set((namedLocations.get(params.id) ?? []).map((r) => r.cidrAddress));
      namedLocations.set(params.id, ranges);
      for (const range of ranges)
        if (!before.has(range.cidrAddress)) record('Graph', 'block IP range', range.cidrAddress);
      response.writeHead(204).end();
    }),
  );

  // Every device name resolves to one machine, as if the whole estate were onboarded to Defender; an
  // isolation is accepted Pending, as Defender answers, and reads back Succeeded.
  const machineId = (name: string) => createHash('sha1').update(name.toLowerCase()).digest('hex');
  const isolations = new Map<string, string>();
  router.add(
    'GET',
    '/sandbox/defender/api/machines',
    requireBearer(({ response, url }) => {
      const filter = /^(?:computerDnsName eq|startswith\(computerDnsName,) ?'((?:[^']|'')*)'\)?$/.exec(
        url.searchParams.get('$filter') ?? '',
      );
      if (!filter)
        throw new HttpError(
          400,
          'InvalidFilter',
          "the sandbox supports only computerDnsName eq '<name>' and startswith(computerDnsName,'<name>')",
        );
      const computerDnsName = filter[1].replace(/''/g, "'");
      sendJson(response, 200, { value: [{ id: machineId(computerDnsName), computerDnsName }] });
    }),
  );
  router.add(
    'GET',
    '/sandbox/defender/api/machines/:machineId',
    requireBearer(({ response, params }) => {
      sendJson(response, 200, { id: params.machineId, computerDnsName: params.machineId });
    }),
  );
  router.add(
    'POST',
    '/sandbox/defender/api/machines/:machineId/isolate',
    requireBearer(async ({ request, response, params }) => {
      await readJson(request, maxBodyBytes);
      record('Defender', 'isolate device', params.machineId);
      const id = randomUUID();
      isolations.set(id, params.machineId);
      sendJson(response, 201, { id, type: 'Isolate', status: 'Pending', machineId: params.machineId });
    }),
  );
  router.add(
    'GET',
    '/sandbox/defender/api/machineactions/:actionId',
    requireBearer(({ response, params }) => {
      const machine = isolations.get(params.actionId);
      if (!machine) throw new HttpError(404, 'ResourceNotFound', 'no such machine action');
      sendJson(response, 200, {
        id: params.actionId,
        type: 'Isolate',
        status: 'Succeeded',
        machineId: machine,
      });
    }),
  );
  router.add(
    'GET',
    '/sandbox/defender/api/machineactions',
    requireBearer(({ response }) => {
      // Sandbox isolations complete at once: none is ever still open.
      sendJson(response, 200, { value: [] });
    }),
  );

  router.add('POST', '/sandbox/teams/webhook', async ({ request, response }) => {
    const card = (await readJson(request, maxBodyBytes)) as { type?: unknown; attachments?: unknown };
    record('Teams', 'post card', String(card?.type ?? 'message'));
    response.writeHead(200, { 'content-type': 'text/plain' }).end('1');
  });
  return calls;
}
