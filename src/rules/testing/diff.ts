import type { Alert } from '../schedule/alerts.js';
import { type Entity, entityKey } from '../schedule/entities.js';
import type { Expectation, ExpectedAlert } from './model.js';

/**
 * Human-readable differences between what a case expects and what the run produced; empty when
 * the case passes. Each line names the alert (1-based) and the field.
 */
export function diffExpectation(expect: Expectation, alerts: readonly Alert[], incidents: number): string[] {
  const out: string[] = [];
  if (alerts.length !== expect.alerts) {
    out.push(`alerts: expected ${expect.alerts}, got ${alerts.length}${alertNames(alerts)}`);
  }
  if (expect.incidents !== undefined && incidents !== expect.incidents) {
    out.push(`incidents: expected ${expect.incidents}, got ${incidents}`);
  }
  expect.alertDetails.forEach((expected, i) => {
    const actual = alerts[i];
    if (actual) out.push(...diffAlert(`alert ${i + 1}`, expected, actual));
    else out.push(`alert ${i + 1}: expected ${JSON.stringify(expected)}, got no alert`);
  });
  return out;
}

function alertNames(alerts: readonly Alert[]): string {
  if (alerts.length === 0) return '';
  const shown = alerts.slice(0, 5).map((a) => `"${a.displayName}"`);
  return ` (${shown.join(', ')}${alerts.length > 5 ? ', ...' : ''})`;
}

function diffAlert(label: string, expected: ExpectedAlert, actual: Alert): string[] {
  const out: string[] = [];
  const field = (name: string, want: unknown, got: unknown) => {
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      out.push(
        `${label} ${name}:\n    expected ${JSON.stringify(want)}\n    actual   ${JSON.stringify(got)}`,
      );
    }
  };
  if (expected.name !== undefined) field('name', expected.name, actual.displayName);
  if (expected.description !== undefined) field('description', expected.description, actual.description);
  if (expected.severity !== undefined) field('severity', expected.severity, actual.severity);
  if (expected.tactics !== undefined) field('tactics', expected.tactics, actual.tactics);
  if (expected.entities !== undefined) out.push(...diffEntities(label, expected.entities, actual.entities));
  for (const [key, want] of Object.entries(expected.customDetails ?? {})) {
    field(`customDetails.${key}`, Array.isArray(want) ? want : [want], actual.customDetails[key]);
  }
  return out;
}

function diffEntities(label: string, expected: readonly Entity[], actual: readonly Entity[]): string[] {
  const want = new Set(expected.map(entityKey));
  const got = new Set(actual.map(entityKey));
  const missing = [...want].filter((k) => !got.has(k));
  const extra = [...got].filter((k) => !want.has(k));
  const out: string[] = [];
  if (missing.length > 0) out.push(`${label} entities: missing ${missing.join(', ')}`);
  if (extra.length > 0) out.push(`${label} entities: unexpected ${extra.join(', ')}`);
  return out;
}
