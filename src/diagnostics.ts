export type Severity = 'error' | 'warning' | 'info';

/** A problem found in user input, positioned in the file the user edits (1-based line and column). */
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.file ?? '<input>', d.line, d.column].filter((part) => part !== undefined).join(':');
  return `${where}: ${d.severity} ${d.code}: ${d.message}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Thrown where a caller cannot continue; carries every diagnostic rather than only the first. */
export class DiagnosticError extends Error {
  readonly diagnostics: Diagnostic[];

  constructor(diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'DiagnosticError';
    this.diagnostics = diagnostics;
  }
}

/** What `load` returns; if it throws a DiagnosticError, undefined, with its diagnostics added to `into`. */
export function collectDiagnostics<T>(load: () => T, into: Diagnostic[]): T | undefined {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof DiagnosticError)) throw error;
    into.push(...error.diagnostics);
    return undefined;
  }
}
