import type { Diagnostic, Severity } from '../diagnostics.js';

/**
 * SARIF 2.1.0 for GitHub code scanning (upload with github/codeql-action/upload-sarif). One result per
 * diagnostic; rule ids are our diagnostic codes. GitHub needs a location with a start line to show a
 * result on the pull request, so file-less diagnostics fall back to the tool itself.
 */
export interface SarifOptions {
  toolName: string;
  toolVersion?: string;
  informationUri?: string;
  /** One-line description per code, shown by code scanning as the rule name. */
  describe?: (code: string) => string | undefined;
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

export function toSarif(diagnostics: readonly Diagnostic[], options: SarifOptions): object {
  const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: options.toolName,
            ...(options.toolVersion ? { version: options.toolVersion } : {}),
            ...(options.informationUri ? { informationUri: options.informationUri } : {}),
            rules: codes.map((code) => {
              const description = options.describe?.(code);
              return { id: code, ...(description ? { shortDescription: { text: description } } : {}) };
            }),
          },
        },
        results: diagnostics.map((d) => ({
          ruleId: d.code,
          ruleIndex: codes.indexOf(d.code),
          level: LEVEL[d.severity],
          message: { text: d.message },
          ...(d.file ? { locations: [{ physicalLocation: physicalLocation(d, d.file) }] } : {}),
        })),
      },
    ],
  };
}

function physicalLocation(d: Diagnostic, file: string): object {
  const region: Record<string, number> = { startLine: d.line ?? 1, startColumn: d.column ?? 1 };
  if (d.endLine !== undefined && d.endColumn !== undefined) {
    region.endLine = d.endLine;
    region.endColumn = d.endColumn;
  }
  return { artifactLocation: { uri: file.split('\\').join('/'), uriBaseId: '%SRCROOT%' }, region };
}
