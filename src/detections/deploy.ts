import { encodePath, type RestClient, type ServiceClientOptions, serviceClient } from '../sentinel/rest.js';
import type { DetectionRule } from './model.js';

const GRAPH_ROOT = 'https://graph.microsoft.com';

/**
 * Custom detections through Microsoft Graph (beta): GET/POST/PATCH /security/rules/detectionRules.
 * The rule `id` is client-provided on create ("The client-provided unique identifier of the rule.
 * Required."), so the YAML's `id` is the stable identity deploy creates and updates by.
 * https://learn.microsoft.com/en-us/graph/api/security-rulesroot-post-detectionrules?view=graph-rest-beta
 * https://learn.microsoft.com/en-us/graph/api/security-detectionrule-update?view=graph-rest-beta
 */
export class DetectionRulesClient {
  private readonly rest: RestClient;

  constructor(options: ServiceClientOptions) {
    this.rest = serviceClient('Graph', GRAPH_ROOT, options);
  }

  /** The deployed rule with this id; undefined when Graph answers 404. */
  async get(id: string): Promise<Record<string, unknown> | undefined> {
    const response = await this.rest.send({ method: 'GET', path: rulePath(id) }, [404]);
    return response.status === 404 ? undefined : (response.body as Record<string, unknown>);
  }

  async create(rule: DetectionRule): Promise<void> {
    await this.rest.send({
      method: 'POST',
      path: encodePath('beta', 'security', 'rules', 'detectionRules'),
      body: rule,
    });
  }

  /** PATCH sends only what changed: "Only the properties you provide are updated" (detectionrule-update). */
  async update(id: string, changes: Record<string, unknown>): Promise<void> {
    await this.rest.send({ method: 'PATCH', path: rulePath(id), body: changes });
  }
}

function rulePath(id: string): string {
  return encodePath('beta', 'security', 'rules', 'detectionRules', id);
}

export interface DetectionChange {
  id: string;
  action: 'create' | 'update' | 'unchanged';
  /** One line per changed field: `path: old -> new` (JSON values). */
  diff: string[];
  /** The top-level properties a PATCH sends (each whole, since Graph replaces complex values). */
  patch: Record<string, unknown>;
}

/** What deploying `rules` would change in the tenant, read from Graph without writing. */
export async function planDetections(
  client: DetectionRulesClient,
  rules: readonly DetectionRule[],
): Promise<DetectionChange[]> {
  const changes: DetectionChange[] = [];
  for (const rule of rules) {
    const deployed = await client.get(rule.id);
    if (!deployed) {
      changes.push({
        id: rule.id,
        action: 'create',
        diff: leafDiff('', undefined, rule),
        patch: { ...rule },
      });
      continue;
    }
    const patch: Record<string, unknown> = {};
    const diff: string[] = [];
    for (const [key, value] of Object.entries(rule)) {
      if (key === 'id') continue;
      const lines = leafDiff(key, deployed[key], value);
      if (lines.length > 0) {
        patch[key] = value;
        diff.push(...lines);
      }
    }
    changes.push({ id: rule.id, action: diff.length > 0 ? 'update' : 'unchanged', diff, patch });
  }
  return changes;
}

/** Applies a plan; returns the ids written. Stops at the first Graph error (DownstreamError). */
export async function applyDetections(
  client: DetectionRulesClient,
  rules: readonly DetectionRule[],
  changes: readonly DetectionChange[],
): Promise<string[]> {
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const written: string[] = [];
  for (const change of changes) {
    if (change.action === 'create') await client.create(byId.get(change.id)!);
    else if (change.action === 'update') await client.update(change.id, change.patch);
    else continue;
    written.push(change.id);
  }
  return written;
}

/**
 * The leaves of `desired` that differ from `deployed`. Only what the YAML declares is compared: Graph
 * adds read-only properties (createdBy, lastRunDetails, @odata.type) that are not drift.
 */
function leafDiff(path: string, deployed: unknown, desired: unknown): string[] {
  if (isObject(desired)) {
    const current = isObject(deployed) ? deployed : {};
    return Object.entries(desired).flatMap(([key, value]) =>
      leafDiff(path ? `${path}.${key}` : key, current[key], value),
    );
  }
  if (Array.isArray(desired)) {
    const current = Array.isArray(deployed) ? deployed : [];
    const lines = desired.flatMap((value, i) => leafDiff(`${path}[${i}]`, current[i], value));
    for (let i = desired.length; i < current.length; i++)
      lines.push(`${path}[${i}]: ${JSON.stringify(current[i])} -> (removed)`);
    return lines;
  }
  if (desired === undefined || JSON.stringify(deployed) === JSON.stringify(desired)) return [];
  return [
    `${path}: ${deployed === undefined ? '(none)' : JSON.stringify(deployed)} -> ${JSON.stringify(desired)}`,
  ];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
