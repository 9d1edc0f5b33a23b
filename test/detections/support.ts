import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { loadCatalog } from '../../src/kql/catalog.js';
import { defaultMitrePath, loadMitre } from '../../src/rules/mitre.js';

const root = join(import.meta.dirname, '..', '..');
/** The repository's own catalog: the advanced-hunting tables as kql/schemas declares them. */
export const catalog = loadCatalog(root);
export const mitre = loadMitre(join(root, defaultMitrePath));

const dir = mkdtempSync(join(tmpdir(), 'sk-detections-'));
let counter = 0;

/** A valid detection (hourly, DeviceProcessEvents) to vary per test. */
export function baseDetection(): Record<string, any> {
  return {
    id: 'office-encoded-powershell',
    displayName: 'Encoded PowerShell from Office',
    queryCondition: {
      queryText:
        'DeviceProcessEvents\n| where InitiatingProcessFileName =~ "winword.exe"\n' +
        '| project TimeGenerated, ReportId, DeviceId, DeviceName, AccountSid, AccountName, FileName\n',
    },
    schedule: { frequency: 'PT1H' },
    detectionAction: {
      alertTemplate: {
        title: 'Encoded PowerShell from Office',
        severity: 'high',
        entityMappings: { hosts: [{ deviceIdColumn: 'DeviceId', nameColumn: 'DeviceName' }] },
        tactics: [{ tactic: 'Execution', techniques: [{ technique: 'T1059.001' }] }],
      },
    },
  };
}

/** Writes a detection (object or YAML text) under a fresh `detections/` folder; returns its path. */
export function writeDetection(
  detection: Record<string, unknown> | string,
  name = `d${++counter}.yaml`,
): string {
  const path = join(dir, `case-${counter}`, 'detections', name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, typeof detection === 'string' ? detection : stringify(detection, { lineWidth: 0 }));
  return path;
}

export function writeBeside(detectionPath: string, name: string, text: string): string {
  const path = join(dirname(detectionPath), name);
  writeFileSync(path, text);
  return path;
}
