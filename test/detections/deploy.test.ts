import type { TokenCredential } from '@azure/core-auth';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/commands/deploy.js';
import { baseDetection, writeDetection } from './support.js';

const ROOT = 'https://graph.microsoft.com/beta/security/rules/detectionRules';
const credential: TokenCredential = {
  getToken: async (scopes) => {
    expect(scopes).toEqual(['https://graph.microsoft.com/.default']);
    return { token: 'graph-token', expiresOnTimestamp: Date.now() + 3_600_000 };
  },
};

/**
 * Graph's detectionRules as documented (security-rulesroot-post-detectionrules,
 * security-detectionrule-update): POST needs id, displayName, queryCondition, schedule and returns
 * 201 with read-only fields added; PATCH updates only the properties sent; GET of an unknown id is 404.
 */
const store = new Map<string, Record<string, any>>();
const writes: { method: string; body: Record<string, any> }[] = [];
const graphError = (status: number, code: string) =>
  HttpResponse.json({ error: { code, message: code } }, { status });
const server = setupServer(
  http.all(`${ROOT}*`, ({ request }) =>
    request.headers.get('authorization') === 'Bearer graph-token'
      ? undefined
      : graphError(401, 'Unauthorized'),
  ),
  http.get(`${ROOT}/:id`, ({ params }) => {
    const rule = store.get(String(params.id));
    return rule ? HttpResponse.json(rule) : graphError(404, 'NotFound');
  }),
  http.post(ROOT, async ({ request }) => {
    const body = (await request.json()) as Record<string, any>;
    writes.push({ method: 'POST', body });
    if (!body.id || !body.displayName || !body.queryCondition?.queryText || !body.schedule?.frequency) {
      return graphError(400, 'BadRequest');
    }
    if (store.has(body.id)) return graphError(409, 'Conflict');
    const created = {
      '@odata.type': '#microsoft.graph.security.detectionRule',
      ...body,
      createdBy: 'app',
      lastRunDetails: {},
    };
    store.set(body.id, created);
    return HttpResponse.json(created, { status: 201 });
  }),
  http.patch(`${ROOT}/:id`, async ({ params, request }) => {
    const body = (await request.json()) as Record<string, any>;
    writes.push({ method: 'PATCH', body });
    const rule = store.get(String(params.id));
    if (!rule) return graphError(404, 'NotFound');
    const updated = { ...rule, ...body };
    store.set(String(params.id), updated);
    return HttpResponse.json(updated);
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  store.clear();
  writes.length = 0;
  vi.restoreAllMocks();
});
afterAll(() => server.close());

function output() {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => lines.push(line));
  vi.spyOn(console, 'error').mockImplementation((line: string) => lines.push(line));
  return lines;
}

describe('sentinel-kit deploy detections', () => {
  it('creates a new rule by its id, then finds nothing to change (idempotent)', async () => {
    const path = writeDetection(baseDetection());
    output();
    expect(await run(['detections', path], credential)).toBe(0);
    expect(writes).toEqual([
      {
        method: 'POST',
        body: expect.objectContaining({ id: 'office-encoded-powershell', status: 'enabled' }),
      },
    ]);
    const lines = output();
    expect(await run(['detections', path], credential)).toBe(0);
    expect(writes).toHaveLength(1);
    expect(lines).toContain('unchanged office-encoded-powershell');
  });

  it('--dry-run prints the diff against the deployed rule and writes nothing', async () => {
    const path = writeDetection(baseDetection());
    output();
    await run(['detections', path], credential);
    const changed = baseDetection();
    changed.schedule = { frequency: 'PT3H' };
    changed.detectionAction.alertTemplate.severity = 'medium';
    const lines = output();
    expect(await run(['detections', writeDetection(changed), '--dry-run'], credential)).toBe(0);
    expect(lines).toEqual([
      'update office-encoded-powershell',
      '  schedule.frequency: "PT1H" -> "PT3H"',
      '  detectionAction.alertTemplate.severity: "high" -> "medium"',
    ]);
    expect(writes).toHaveLength(1);
  });

  it('updates with a PATCH of only the changed properties', async () => {
    output();
    await run(['detections', writeDetection(baseDetection())], credential);
    const changed = baseDetection();
    changed.displayName = 'Renamed';
    expect(await run(['detections', writeDetection(changed)], credential)).toBe(0);
    expect(writes[1]).toEqual({ method: 'PATCH', body: { displayName: 'Renamed' } });
  });

  it('writes nothing when a detection has a validation error', async () => {
    const bad = baseDetection();
    bad.schedule = { frequency: 'PT2H' };
    const lines = output();
    expect(await run(['detections', writeDetection(bad)], credential)).toBe(1);
    expect(writes).toEqual([]);
    expect(lines.join('\n')).toMatch(/SK2003[\s\S]*not deployed/);
  });

  it('reports a Graph refusal with its status and code, not a stack trace', async () => {
    server.use(http.post(ROOT, () => graphError(403, 'Forbidden')));
    const lines = output();
    expect(await run(['detections', writeDetection(baseDetection())], credential)).toBe(1);
    expect(lines.at(-1)).toBe('Graph refused the deployment: Graph 403 Forbidden');
  });

  it('refuses an unknown target', async () => {
    output();
    expect(await run(['rules'], credential)).toBe(2);
  });
});
