import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ccfDcrFile } from '../../connectors/ccf/declaration.js';
import { loadConnectorDefinition } from '../../connectors/definition.js';
import { DiagnosticError } from '../../diagnostics.js';
import { type Dcr, outputTableOf } from '../dcr-registry.js';

/** The immutable id the local SOC gives a connector's DCR, e.g. `dcr-local-okta`. */
export function localConnectorDcrId(connector: string): string {
  return `dcr-local-${connector}`;
}

/**
 * One local DCR per `connectors/<name>/dcr.yaml`: its stream declaration and transformKql, landing in
 * the connector's custom table, as infra/ deploys it. A connector whose definition does not load is
 * skipped with its diagnostics, like a rule that does not validate.
 */
export function connectorDcrs(root: string, log: (line: string) => void): Map<string, Dcr> {
  const dcrs = new Map<string, Dcr>();
  const connectorsDir = join(root, 'connectors');
  if (!existsSync(connectorsDir)) return dcrs;
  for (const name of readdirSync(connectorsDir).sort()) {
    const dir = join(connectorsDir, name);
    // The folder's DCR, and the CCF poller's own when it has one (as infra/ deploys both).
    for (const file of ['dcr.yaml', ccfDcrFile].filter((f) => existsSync(join(dir, f)))) {
      const dcr = loadDcr(dir, file, name, log);
      if (dcr) dcrs.set(dcr.immutableId, dcr);
    }
  }
  return dcrs;
}

function loadDcr(dir: string, file: string, name: string, log: (line: string) => void): Dcr | undefined {
  try {
    const definition = loadConnectorDefinition(dir, file);
    const immutableId = localConnectorDcrId(definition.name);
    const stream = {
      name: definition.streamName,
      columns: definition.streamColumns,
      transformKql: definition.transformKql,
      outputTable: outputTableOf(definition.outputStream),
    };
    return { immutableId, streams: new Map([[stream.name, stream]]) };
  } catch (error) {
    if (!(error instanceof DiagnosticError)) throw error;
    log(`skipping connector ${name}: its definition does not load:\n${error.message}`);
    return undefined;
  }
}
