import { DownstreamError, type RestClient } from './rest.js';

/**
 * What a deployment will create in a workspace, reduced to what the workspace must already
 * provide. Built by the CLI from `sentinel-kit build`; this module only asks Azure.
 */
export interface PreflightPlan {
  /** `/subscriptions/…/resourceGroups/…/providers/Microsoft.OperationalInsights/workspaces/<name>`. */
  workspaceId: string;
  /** The analytics rules the deployment will create (after data-source gating). */
  rules: PlannedRule[];
  /** Function aliases the deployment creates (parsers). */
  functions: string[];
  /** Tables the deployment creates (connector custom tables). */
  createdTables: string[];
}

export interface PlannedRule {
  name: string;
  kind: string;
  tables: string[];
  properties: Record<string, unknown>;
}

export interface Finding {
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
}

/** API versions of the documented REST operations used (the same the templates deploy with). */
const versions = {
  workspaces: '2025-07-01',
  securityInsights: '2025-09-01',
  permissions: '2022-04-01',
};

/** Rule properties whose difference means the deployment changes a rule someone already has. */
const comparedProperties = [
  'displayName',
  'query',
  'severity',
  'enabled',
  'queryFrequency',
  'queryPeriod',
  'triggerOperator',
  'triggerThreshold',
  'tactics',
  'techniques',
];

const workspaceIdPattern =
  /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[\w().-]{1,90}\/providers\/Microsoft\.OperationalInsights\/workspaces\/[A-Za-z0-9-]{4,63}$/i;

/**
 * Checks a plan against the target workspace before `az deployment group create`: every table a
 * planned rule reads exists (Sentinel refuses to save a rule over a missing table), no function
 * the plan creates clashes with an existing one, the caller may create role assignments (the
 * template does), and rules whose ids exist already are listed with what would change.
 */
export async function preflight(arm: RestClient, plan: PreflightPlan): Promise<Finding[]> {
  if (!workspaceIdPattern.test(plan.workspaceId)) {
    return [
      {
        severity: 'error',
        code: 'PF000',
        message: `--workspace must be a workspace resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>), got '${plan.workspaceId}'`,
      },
    ];
  }
  const findings: Finding[] = [];
  const ws = plan.workspaceId;
  const exists =
    (await arm.send({ method: 'GET', path: ws, query: { 'api-version': versions.workspaces } }, [404]))
      .status !== 404;
  if (!exists) {
    findings.push({
      severity: 'info',
      code: 'PF010',
      message: `${ws} does not exist yet; the deployment creates it, empty: only tables the deployment creates are there`,
    });
  }
  const tables = exists ? await names(arm, `${ws}/tables`, versions.workspaces) : new Set<string>();
  const created = new Set(plan.createdTables.map((t) => t.toLowerCase()));
  for (const rule of plan.rules) {
    const missing = rule.tables.filter((t) => !tables.has(t.toLowerCase()) && !created.has(t.toLowerCase()));
    if (missing.length > 0) {
      findings.push({
        severity: 'error',
        code: 'PF001',
        message: `rule ${rule.name} (${String(rule.properties.displayName)}) reads ${missing.join(', ')}, which the workspace does not have: Sentinel will refuse to save it. Connect the data source first, or leave its connector out of enabledDataConnectors`,
      });
    }
  }

  if (exists) {
    const searches = await list(arm, `${ws}/savedSearches`, versions.workspaces);
    for (const alias of plan.functions) {
      const clash = searches.find(
        (s) =>
          String(s.properties?.functionAlias ?? '').toLowerCase() === alias.toLowerCase() &&
          String(s.name).toLowerCase() !== alias.toLowerCase(),
      );
      if (clash) {
        findings.push({
          severity: 'error',
          code: 'PF002',
          message: `function ${alias} already exists in the workspace as saved search '${clash.name}'; the deployment would create a second function with the same alias`,
        });
      }
    }
  }

  findings.push(
    ...(await permissionFindings(arm, ws.replace(/\/providers\/Microsoft\.OperationalInsights\/.*$/i, ''))),
  );

  if (exists) {
    const existing = await list(
      arm,
      `${ws}/providers/Microsoft.SecurityInsights/alertRules`,
      versions.securityInsights,
      [404],
    );
    const byName = new Map(existing.map((r) => [String(r.name).toLowerCase(), r]));
    for (const rule of plan.rules) {
      const current = byName.get(rule.name.toLowerCase());
      if (!current) continue;
      const changed = [
        ...(current.kind !== rule.kind ? [`kind (${current.kind} → ${rule.kind})`] : []),
        ...comparedProperties.filter(
          (p) =>
            JSON.stringify(current.properties?.[p] ?? null) !== JSON.stringify(rule.properties[p] ?? null),
        ),
      ];
      if (changed.length > 0) {
        findings.push({
          severity: 'warning',
          code: 'PF005',
          message: `rule ${rule.name} already exists with different content (${changed.join(', ')}); the deployment overwrites it`,
        });
      }
    }
  }
  return findings;
}

/**
 * The template creates role assignments, which needs Microsoft.Authorization/roleAssignments/write
 * (Owner, User Access Administrator or Role Based Access Control Administrator) besides write on
 * the resources: "Permissions - List For Resource Group" gives the caller's effective actions.
 */
async function permissionFindings(arm: RestClient, resourceGroupId: string): Promise<Finding[]> {
  const permissions = await list(
    arm,
    `${resourceGroupId}/providers/Microsoft.Authorization/permissions`,
    versions.permissions,
  );
  const needed = [
    'Microsoft.Authorization/roleAssignments/write',
    'Microsoft.SecurityInsights/alertRules/write',
    'Microsoft.Web/sites/write',
    'Microsoft.Resources/deployments/write',
  ];
  const missing = needed.filter((action) => !permissions.some((p) => allows(p, action)));
  return missing.length === 0
    ? []
    : [
        {
          severity: 'error',
          code: 'PF003',
          message: `you lack ${missing.join(', ')} on ${resourceGroupId}; the template creates resources and role assignments there (Owner, or Contributor plus Role Based Access Control Administrator)`,
        },
      ];
}

/** Whether one permission entry grants `action`: matched by its actions and not by its notActions (`*` wildcards). */
function allows(permission: Record<string, any>, action: string): boolean {
  const matches = (pattern: string) =>
    new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, 'i').test(action);
  const actions: string[] = permission.actions ?? [];
  const notActions: string[] = permission.notActions ?? [];
  return actions.some(matches) && !notActions.some(matches);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function names(arm: RestClient, path: string, apiVersion: string): Promise<Set<string>> {
  return new Set((await list(arm, path, apiVersion)).map((item) => String(item.name).toLowerCase()));
}

/** Every item of an ARM list operation, following nextLink. */
async function list(
  arm: RestClient,
  path: string,
  apiVersion: string,
  accept: number[] = [],
): Promise<Record<string, any>[]> {
  const items: Record<string, any>[] = [];
  let next: { path: string; query?: Record<string, string> } | undefined = {
    path,
    query: { 'api-version': apiVersion },
  };
  for (let page = 0; next && page < 1000; page++) {
    const response = await arm.send({ method: 'GET', ...next }, accept);
    if (accept.includes(response.status)) return items;
    const body = response.body as { value?: Record<string, any>[]; nextLink?: string } | undefined;
    if (!body || !Array.isArray(body.value))
      throw new DownstreamError(arm.service, response.status, 'UnexpectedShape');
    items.push(...body.value);
    // nextLink is absolute and carries its own api-version and skip token.
    next = body.nextLink
      ? { path: new URL(body.nextLink).pathname + new URL(body.nextLink).search }
      : undefined;
  }
  return items;
}
