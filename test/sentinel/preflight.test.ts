import type { TokenCredential } from '@azure/core-auth';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/preflight.js';
import { type PreflightPlan, preflight } from '../../src/sentinel/preflight.js';
import { RestClient } from '../../src/sentinel/rest.js';

const ARM = 'https://management.azure.com';
const rg = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-sentinel';
const ws = `${rg}/providers/Microsoft.OperationalInsights/workspaces/sk-sentinel`;
const credential: TokenCredential = {
  getToken: async () => ({ token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};
const arm = () =>
  new RestClient({
    baseUrl: ARM,
    credential,
    scope: `${ARM}/.default`,
    service: 'ARM',
    retry: { maxRetries: 0 },
  });

const spray = {
  name: '89a05843-16bf-4764-a418-648e59648b8f',
  kind: 'Scheduled',
  tables: ['SigninLogs'],
  properties: {
    displayName: 'Password spray',
    query: 'SigninLogs | take 1',
    severity: 'Medium',
    enabled: true,
  },
};
const okta = {
  name: '8beb5d91-0000-4000-8000-000000000000',
  kind: 'Scheduled',
  tables: ['Okta_CL'],
  properties: { displayName: 'Okta MFA reset', query: 'Okta_CL | take 1', severity: 'High', enabled: true },
};
const plan = (rules = [spray, okta]): PreflightPlan => ({
  workspaceId: ws,
  rules,
  functions: ['ThreatIntelActiveIPs'],
  createdTables: ['Okta_CL'],
});

// Response shapes from the REST API reference (learn.microsoft.com/rest/api): Workspaces - Get,
// Tables - List By Workspace, Saved Searches - List By Workspace, Permissions - List For Resource
// Group (Microsoft.Authorization 2022-04-01), Alert Rules - List (SecurityInsights 2025-09-01).
interface Azure {
  workspaceExists: boolean;
  tables: string[];
  savedSearches: { name: string; properties: Record<string, unknown> }[];
  permissions: { actions: string[]; notActions: string[] }[];
  alertRules: { name: string; kind: string; properties: Record<string, unknown> }[][];
  seenApiVersions: string[];
}
let azure: Azure;
const owner = [{ actions: ['*'], notActions: [] }];
// Contributor: everything except writing or deleting authorization (built-in role definition).
const contributor = [
  {
    actions: ['*'],
    notActions: [
      'Microsoft.Authorization/*/Delete',
      'Microsoft.Authorization/*/Write',
      'Microsoft.Authorization/elevateAccess/Action',
      'Microsoft.Blueprint/blueprintAssignments/write',
    ],
  },
];

const server = setupServer(
  http.get(`${ARM}${ws}`, ({ request }) => {
    azure.seenApiVersions.push(new URL(request.url).searchParams.get('api-version')!);
    return azure.workspaceExists
      ? HttpResponse.json({ id: ws, name: 'sk-sentinel', properties: { customerId: '1' } })
      : HttpResponse.json({ error: { code: 'ResourceNotFound', message: 'not found' } }, { status: 404 });
  }),
  http.get(`${ARM}${ws}/tables`, () =>
    HttpResponse.json({
      value: azure.tables.map((name) => ({
        id: `${ws}/tables/${name}`,
        name,
        properties: { plan: 'Analytics' },
      })),
    }),
  ),
  http.get(`${ARM}${ws}/savedSearches`, () =>
    HttpResponse.json({
      value: azure.savedSearches.map((s) => ({ id: `${ws}/savedSearches/${s.name}`, ...s })),
    }),
  ),
  http.get(`${ARM}${rg}/providers/Microsoft.Authorization/permissions`, () =>
    HttpResponse.json({
      value: azure.permissions.map((p) => ({ ...p, dataActions: [], notDataActions: [] })),
    }),
  ),
  http.get(`${ARM}${ws}/providers/Microsoft.SecurityInsights/alertRules`, ({ request }) => {
    const page = Number(new URL(request.url).searchParams.get('$skipToken') ?? 0);
    const last = page + 1 >= azure.alertRules.length;
    return HttpResponse.json({
      value: azure.alertRules[page] ?? [],
      ...(last
        ? {}
        : {
            nextLink: `${ARM}${ws}/providers/Microsoft.SecurityInsights/alertRules?api-version=2025-09-01&$skipToken=${page + 1}`,
          }),
    });
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
beforeEach(() => {
  azure = {
    workspaceExists: true,
    tables: ['SigninLogs', 'AuditLogs', 'SecurityAlert'],
    savedSearches: [],
    permissions: owner,
    alertRules: [[]],
    seenApiVersions: [],
  };
});

const codes = (findings: { code: string }[]) => findings.map((f) => f.code);

describe('preflight against a workspace (msw, documented REST shapes)', () => {
  it('passes when every table exists or is created by the deployment and nothing clashes', async () => {
    expect(await preflight(arm(), plan())).toEqual([]);
    expect(azure.seenApiVersions).toEqual(['2025-07-01']);
  });

  it('names each rule whose tables the workspace lacks (Sentinel would refuse to save it)', async () => {
    azure.tables = ['AuditLogs'];
    const findings = await preflight(arm(), plan());
    expect(codes(findings)).toEqual(['PF001']);
    expect(findings[0].message).toMatch(
      /rule 89a05843-16bf-4764-a418-648e59648b8f \(Password spray\) reads SigninLogs/,
    );
  });

  it('treats a workspace that does not exist yet as empty: only created tables are there', async () => {
    azure.workspaceExists = false;
    const findings = await preflight(arm(), plan());
    expect(codes(findings)).toEqual(['PF010', 'PF001']);
  });

  it('refuses a function alias already taken by another saved search', async () => {
    azure.savedSearches = [
      {
        name: 'legacy-ti',
        properties: { category: 'x', displayName: 'x', query: 'T', functionAlias: 'threatintelactiveips' },
      },
    ];
    expect(codes(await preflight(arm(), plan()))).toEqual(['PF002']);
    azure.savedSearches = [
      {
        name: 'ThreatIntelActiveIPs',
        properties: { category: 'x', displayName: 'x', query: 'T', functionAlias: 'ThreatIntelActiveIPs' },
      },
    ];
    expect(await preflight(arm(), plan())).toEqual([]);
  });

  it('needs the right to create role assignments: Contributor alone is not enough', async () => {
    azure.permissions = contributor;
    const findings = await preflight(arm(), plan());
    expect(codes(findings)).toEqual(['PF003']);
    expect(findings[0].message).toMatch(/Microsoft\.Authorization\/roleAssignments\/write/);
    // Contributor plus Role Based Access Control Administrator (its own permission entry).
    azure.permissions = [
      ...contributor,
      { actions: ['Microsoft.Authorization/roleAssignments/*'], notActions: [] },
    ];
    expect(await preflight(arm(), plan())).toEqual([]);
  });

  it('lists rules whose ids exist with different content, across pages (nextLink)', async () => {
    azure.alertRules = [
      [{ name: 'other', kind: 'Scheduled', properties: {} }],
      [
        {
          name: spray.name.toUpperCase(),
          kind: 'Scheduled',
          properties: { ...spray.properties, query: 'SigninLogs' },
        },
        { name: okta.name, kind: 'Scheduled', properties: okta.properties },
      ],
    ];
    const findings = await preflight(arm(), plan());
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'PF005',
        message: expect.stringMatching(/89a05843.*\(query\)/),
      }),
    ]);
  });

  it('refuses a --workspace that is not a workspace resource id, without calling Azure', async () => {
    const findings = await preflight(arm(), { ...plan(), workspaceId: 'sk-sentinel' });
    expect(codes(findings)).toEqual(['PF000']);
    expect(azure.seenApiVersions).toEqual([]);
  });
});

describe('sentinel-kit preflight', () => {
  it('requires --workspace (exit 2)', async () => {
    expect(await run([])).toBe(2);
  });
});
