import { join } from 'node:path';
import { validateContent } from '../../src/content/validate.js';
import { loadCatalog } from '../../src/kql/catalog.js';
import { folderWith } from './files.js';

/**
 * Validation of files shaped like published Azure-Sentinel content against the built-in catalog
 * alone (`--root` of an empty folder), as for content validated outside this repository. The
 * published-sample-N tests each check one fresh sample's findings (NOTES "Issue 12, session N").
 */
export function publishedSample(sample: string) {
  const empty = folderWith(`sk-sample${sample}-root-`, {});
  const catalog = loadCatalog(empty);
  const validate = async (files: Record<string, string>) => {
    const dir = folderWith(`sk-sample${sample}-`, files);
    const { diagnostics } = await validateContent(
      Object.keys(files).map((path) => join(dir, path)),
      { root: empty, catalog, compareWithGit: false },
    );
    return diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}:${d.column} ${d.message}`);
  };
  const errors = async (files: Record<string, string>) =>
    (await validate(files)).filter((d) => d.startsWith('error ')).map((d) => d.slice('error '.length));
  return { validate, errors };
}

const indent = (text: string, by: string) =>
  text
    .split('\n')
    .map((line) => `${by}${line}`)
    .join('\n');

/** A scheduled analytics rule in the Azure-Sentinel repository's YAML shape. */
export const sampleRule = (
  id: string,
  query: string,
  attack: { tactic: string; technique: string },
) => `id: ${id}
name: Sample
description: sample
severity: Medium
requiredDataConnectors: []
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
tactics:
  - ${attack.tactic}
relevantTechniques:
  - ${attack.technique}
query: |
${indent(query, '  ')}
version: 1.0.0
kind: Scheduled
`;

/** A hunting query in the Azure-Sentinel repository's shape (no schedule, no kind). */
export const sampleHuntingQuery = (
  id: string,
  query: string,
  attack: { tactic: string; technique: string },
) => `id: ${id}
name: Sample hunting query
description: |
  'sample'
requiredDataConnectors: []
tactics:
  - ${attack.tactic}
relevantTechniques:
  - ${attack.technique}
query: |
${indent(query, '  ')}
`;

/** A Solution parser file (Parsers/*.yaml) in the Azure-Sentinel repository's shape. */
export const sampleParser = (id: string, name: string, body: string) => `id: ${id}
Function:
  Title: Parser for ${name}
  Version: '1.0.0'
  LastUpdated: '2026-12-03'
Category: Microsoft Sentinel Parser
FunctionName: ${name}
FunctionAlias: ${name}
FunctionQuery: |
${indent(body, '    ')}
`;
