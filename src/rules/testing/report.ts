import { formatDiagnostic, hasErrors } from '../../diagnostics.js';
import type { CaseResult, FileResult } from './runner.js';

export interface Totals {
  files: number;
  cases: number;
  passed: number;
  failed: number;
  /** Test files that could not run at all (bad test file or rule). */
  broken: number;
}

export function totals(results: readonly FileResult[]): Totals {
  const cases = results.flatMap((r) => r.cases);
  const passed = cases.filter((c) => c.passed).length;
  return {
    files: results.length,
    cases: cases.length,
    passed,
    failed: cases.length - passed,
    broken: results.filter((r) => hasErrors(r.diagnostics)).length,
  };
}

/** Plain-text report: diagnostics as file:line:col, a line per case, details under failures. */
export function formatTextReport(results: readonly FileResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(result.file);
    for (const d of result.diagnostics) lines.push(`  ${formatDiagnostic(d)}`);
    for (const c of result.cases) {
      lines.push(`  ${c.passed ? 'ok  ' : 'FAIL'} ${c.name} (${c.durationMs.toFixed(0)} ms)`);
      for (const warning of c.warnings)
        lines.push(`       warning: ${warning} (${result.file}:${c.line}:${c.column})`);
      if (!c.passed) {
        lines.push(`       at ${result.file}:${c.line}:${c.column}`);
        for (const text of c.error ? [c.error] : c.failures) lines.push(indent(text, '       '));
      }
    }
  }
  const t = totals(results);
  lines.push('');
  const warned = results.flatMap((r) => r.cases).filter((c) => c.warnings.length > 0).length;
  lines.push(
    `${t.cases} cases in ${t.files} files: ${t.passed} passed, ${t.failed} failed` +
      (t.broken > 0 ? `, ${t.broken} files could not run` : '') +
      (warned > 0 ? `, ${warned} with warnings` : ''),
  );
  return lines.join('\n');
}

/** JUnit XML (the de-facto CI format): one testsuite per test file, one testcase per case. */
export function formatJUnit(results: readonly FileResult[]): string {
  const t = totals(results);
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const suites = results.map((result) => {
    const time = result.cases.reduce((sum, c) => sum + c.durationMs, 0);
    const broken = hasErrors(result.diagnostics);
    const failures = result.cases.filter((c) => !c.passed && !c.error).length;
    const errors = result.cases.filter((c) => c.error).length + (broken ? 1 : 0);
    const cases = result.cases.map((c) => junitCase(result.file, c, seconds(c.durationMs)));
    if (broken) {
      const text = result.diagnostics.map(formatDiagnostic).join('\n');
      cases.push(
        `    <testcase classname="${xml(result.file)}" name="load test file" time="0">\n` +
          `      <error message="${xml(firstLine(text))}">${xml(text)}</error>\n    </testcase>`,
      );
    }
    return (
      `  <testsuite name="${xml(result.file)}" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${seconds(time)}">\n` +
      `${cases.join('\n')}\n  </testsuite>`
    );
  });
  const errors = results.reduce(
    (n, r) => n + r.cases.filter((c) => c.error).length + (hasErrors(r.diagnostics) ? 1 : 0),
    0,
  );
  const failures = t.failed - results.reduce((n, r) => n + r.cases.filter((c) => c.error).length, 0);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="sentinel-kit rule tests" tests="${t.cases + t.broken}" failures="${failures}" errors="${errors}">\n` +
    `${suites.join('\n')}\n</testsuites>\n`
  );
}

function junitCase(file: string, c: CaseResult, time: string): string {
  const open = `    <testcase classname="${xml(file)}" name="${xml(c.name)}" time="${time}"`;
  const body: string[] = [];
  if (c.error) body.push(`<error message="${xml(firstLine(c.error))}">${xml(c.error)}</error>`);
  else if (!c.passed) {
    body.push(
      `<failure message="${xml(firstLine(c.failures[0] ?? 'failed'))}">${xml(`${file}:${c.line}:${c.column}\n${c.failures.join('\n')}`)}</failure>`,
    );
  }
  if (c.warnings.length > 0)
    body.push(`<system-out>${xml(c.warnings.map((w) => `warning: ${w}`).join('\n'))}</system-out>`);
  if (body.length === 0) return `${open}/>`;
  return `${open}>\n${body.map((b) => `      ${b}`).join('\n')}\n    </testcase>`;
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

/** Escapes text for XML attributes and content; drops characters XML 1.0 cannot carry (control characters, lone surrogates). */
function xml(text: string): string {
  return Array.from(text)
    .filter((ch) => isXmlChar(ch.codePointAt(0) ?? 0))
    .join('')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    cp >= 0x10000
  );
}
