import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DefaultAzureCredential } from '@azure/identity';
import { isDeployed } from '../../build/dataSources.js';
import { build } from '../../build/index.js';
import { type Finding, preflight } from '../../sentinel/preflight.js';
import { DownstreamError, serviceClient } from '../../sentinel/rest.js';
import { parseCommandArgs, printDiagnostics, rootOption } from '../command.js';

const usage = `usage: sentinel-kit preflight --workspace <resourceId> [--enabled-connectors a,b] [--parameters file] [--root <dir>]

Before deploying: builds the content, works out which rules the deployment creates (those whose
data connectors are enabled) and asks Azure (DefaultAzureCredential) whether the target workspace
can take them: tables every rule reads, functions that would clash, your permission to create
role assignments, rules whose ids already exist with different content. Exit 1 when the
deployment would fail.

  --workspace <id>            /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>
  --enabled-connectors <ids>  comma-separated; default: enabledDataConnectors from the parameters file
  --parameters <file>         deployment parameters (default: infra/main.parameters.json)
  --endpoint <url>            Azure Resource Manager root (default: https://management.azure.com)
  --root <dir>                repository root (default: current directory)`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(usage, argv, {
    workspace: { type: 'string' },
    'enabled-connectors': { type: 'string' },
    parameters: { type: 'string' },
    endpoint: { type: 'string' },
    ...rootOption,
  });
  if (typeof args === 'number') return args;
  const { values } = args;
  if (!values.workspace) {
    console.error(`--workspace is required\n\n${usage}`);
    return 2;
  }
  const root = resolve(values.root);
  const enabled = values['enabled-connectors']
    ? values['enabled-connectors']
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean)
    : enabledFromParameters(resolve(root, values.parameters ?? join('infra', 'main.parameters.json')));
  if (enabled === undefined) return 2;

  const result = build(root);
  printDiagnostics(result.diagnostics);
  if (!result.needs) {
    console.error('preflight: the content does not build');
    return 1;
  }
  const { rules, parsers, createdTables } = result.needs;
  const planned = rules.filter(({ needs }) => isDeployed(needs.requires, enabled));
  const calledParsers = new Set(planned.flatMap(({ needs }) => needs.parsers.map((p) => p.name)));
  console.log(
    `${planned.length} of ${rules.length} rules would be deployed (enabled connectors: ${enabled.join(', ') || 'none'})`,
  );

  const arm = serviceClient('Azure Resource Manager', 'https://management.azure.com', {
    endpoint: values.endpoint,
    credential: new DefaultAzureCredential(),
  });
  let findings: Finding[];
  try {
    findings = await preflight(arm, {
      workspaceId: values.workspace,
      rules: planned.map(({ resource, needs }) => ({
        name: resource.name,
        kind: resource.kind,
        tables: needs.tables,
        properties: resource.properties,
      })),
      functions: parsers.filter((p) => calledParsers.has(p.name)).map((p) => p.name),
      createdTables,
    });
  } catch (error) {
    // Service, status and error code only (DownstreamError); never a token or a response body.
    const message = error instanceof DownstreamError ? error.message : (error as Error).message;
    console.error(`preflight: ${message}`);
    return 1;
  }
  for (const f of findings) console.error(`${values.workspace}: ${f.severity} ${f.code}: ${f.message}`);
  const errors = findings.filter((f) => f.severity === 'error').length;
  console.log(errors > 0 ? `preflight: ${errors} problem(s) would fail the deployment` : 'preflight: ok');
  return errors > 0 ? 1 : 0;
}

function enabledFromParameters(file: string): string[] | undefined {
  if (!existsSync(file)) return [];
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')).parameters?.enabledDataConnectors?.value ?? [];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
    console.error(`${file}: enabledDataConnectors must be an array of connector ids`);
  } catch (error) {
    console.error(`${file}: ${(error as Error).message}`);
  }
  return undefined;
}
