import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { formatDiagnostic } from '../diagnostics.js';
import type { Catalog } from '../kql/catalog.js';
import { formatIsoDuration } from '../rules/durations.js';
import { loadRuleFile } from '../rules/load.js';
import { findTechnique, type MitreAttack } from '../rules/mitre.js';
import type { AnalyticsRule } from '../rules/model.js';
import { runSettings } from '../rules/schedule/settings.js';
import { maskCommentsAndStrings } from '../rules/validate/query.js';
import type { DetectionRule, EntityMappingKind } from './model.js';
import { validateDetectionFiles } from './validate.js';

/**
 * Sentinel entity identifiers and the Graph entity-mapping field that carries the same value
 * (security-accountentitymapping, -hostentitymapping, -ipentitymapping, -urlentitymapping,
 * -fileentitymapping). An identifier not listed has no counterpart: Graph's processEntityMapping,
 * for one, takes only sha1Column and sha256Column, so a Process CommandLine cannot move over.
 */
const ENTITY_FIELDS: Record<string, { kind: EntityMappingKind; fields: Record<string, string> }> = {
  Account: {
    kind: 'accounts',
    fields: {
      Name: 'nameColumn',
      NTDomain: 'ntDomainColumn',
      DnsDomain: 'dnsDomainColumn',
      UPNSuffix: 'upnSuffixColumn',
      Sid: 'sidColumn',
      AadUserId: 'aadUserIdColumn',
    },
  },
  Host: {
    kind: 'hosts',
    fields: {
      HostName: 'nameColumn',
      NTDomain: 'ntDomainColumn',
      DnsDomain: 'dnsDomainColumn',
      NetBiosName: 'netBiosNameColumn',
    },
  },
  IP: { kind: 'ips', fields: { Address: 'addressColumn' } },
  URL: { kind: 'urls', fields: { Url: 'addressColumn' } },
  File: { kind: 'files', fields: { Name: 'nameColumn' } },
};

const HOUR = 3_600n * 10_000_000n;
const TICKS_PER_MS = 10_000n;

export interface Migration {
  /** True when the rule can become a custom detection with the same behaviour. */
  convertible: boolean;
  /** Why not (blocking), each naming the construct. */
  reasons: string[];
  /** Differences that do not block: what changes in behaviour. */
  notes: string[];
  /** The custom detection, also built when not convertible so the reasons can be checked by hand. */
  detection: DetectionRule;
}

/**
 * Whether a Sentinel analytics rule can become a Defender custom detection, and the detection. Only
 * what the rule itself says is judged here; `migrateFile` adds what validating the detection finds
 * (NRT on Sentinel tables, joins in a continuous query, Defender's required columns).
 */
export function migrateRule(rule: AnalyticsRule, mitre?: MitreAttack): Migration {
  const reasons: string[] = [];
  const notes: string[] = [];
  const settings = runSettings(rule);

  let frequency = 'PT0S';
  let lookback: string | undefined;
  // An NRT rule becomes Continuous (NRT); validation then refuses Sentinel tables and joins (SK2004).
  if (rule.kind !== 'NRT') {
    frequency = formatIsoDuration(Number(settings.frequency / TICKS_PER_MS));
    lookback = formatIsoDuration(Number(settings.period / TICKS_PER_MS));
    if (settings.period < settings.frequency) {
      reasons.push(
        `queryPeriod ${lookback} is shorter than queryFrequency ${frequency}; a custom detection's lookback must be at least its frequency`,
      );
    }
    if (settings.frequency > 24n * HOUR) {
      reasons.push(`queryFrequency ${frequency} is longer than Defender's longest frequency, every 24 hours`);
    }
  }

  for (const match of maskCommentsAndStrings(rule.query).matchAll(
    /\b(workspace|app|resource|adx|arg)\s*\(/g,
  )) {
    reasons.push(
      `'${match[1]}()' reaches another resource; advanced hunting queries run on the tenant's own data`,
    );
  }
  const { operator, threshold } = settings.trigger;
  if (operator !== 'gt' || threshold !== 0) {
    reasons.push(
      `trigger '${operator} ${threshold}': a custom detection alerts on every result row and has no threshold (filter in the query instead)`,
    );
  }
  if (rule.suppressionEnabled)
    reasons.push('suppression: custom detections have no "stop running after alert"');
  if (rule.alertDetailsOverride)
    reasons.push('alertDetailsOverride: dynamic alert details are not modelled for custom detections yet');
  if (rule.customDetails)
    reasons.push('customDetails: Graph alertCustomDetails is not modelled for custom detections yet');
  if (rule.incidentConfiguration?.groupingConfiguration?.enabled) {
    notes.push(
      "incident grouping: Defender correlates alerts into incidents itself; the rule's grouping settings do not carry over",
    );
  }

  const entityMappings: Partial<Record<EntityMappingKind, Record<string, string>[]>> = {};
  for (const mapping of rule.entityMappings ?? []) {
    const target = ENTITY_FIELDS[mapping.entityType];
    const entry: Record<string, string> = {};
    for (const { identifier, columnName } of mapping.fieldMappings) {
      const field = target?.fields[identifier];
      if (field) entry[field] = columnName;
      else {
        reasons.push(
          `entity mapping ${mapping.entityType}.${identifier}: no Graph entity-mapping field sentinel-kit knows to carry it ` +
            '(Graph maps accounts by name, domain, SID, UPN suffix or Entra id; hosts by name, domain or NetBIOS name; ' +
            'processes only by hash; files by name or hash)',
        );
      }
    }
    if (target && Object.keys(entry).length > 0) (entityMappings[target.kind] ??= []).push(entry);
  }

  const detection: DetectionRule = {
    id: rule.id,
    displayName: rule.name,
    description: rule.description,
    status: 'enabled',
    queryCondition: { queryText: rule.query },
    schedule: lookback === undefined ? { frequency } : { frequency, lookback },
    detectionAction: {
      alertTemplate: {
        title: rule.name,
        description: rule.description,
        severity:
          rule.severity.toLowerCase() as DetectionRule['detectionAction']['alertTemplate']['severity'],
        ...(Object.keys(entityMappings).length > 0 ? { entityMappings } : {}),
        ...tacticsOf(rule, mitre),
        ...(rule.eventGroupingSettings?.aggregationKind === 'SingleAlert'
          ? { eventGroupingKind: 'singleAlert' as const }
          : {}),
      },
    },
  };
  return { convertible: reasons.length === 0, reasons, notes, detection };
}

/** Tactics with their techniques: each technique under the rule's tactics ATT&CK files it under. */
function tacticsOf(
  rule: AnalyticsRule,
  mitre?: MitreAttack,
): Pick<DetectionRule['detectionAction']['alertTemplate'], 'tactics'> {
  const tactics = rule.tactics ?? [];
  if (tactics.length === 0) return {};
  const techniques = rule.relevantTechniques ?? [];
  return {
    tactics: tactics.map((tactic, i) => {
      const under = techniques.filter((id) => {
        const known = mitre && findTechnique(mitre, id);
        return known ? known.tactics.includes(tactic) : i === 0;
      });
      return under.length > 0
        ? { tactic, techniques: under.map((technique) => ({ technique })) }
        : { tactic };
    }),
  };
}

/** The detection as the YAML file `migrate` writes under kql/detections/. */
export function detectionYaml(detection: DetectionRule, from: string): string {
  const header = `# Migrated from the analytics rule ${from} by \`sentinel-kit migrate\`.\n`;
  return header + stringify(detection, { lineWidth: 0 });
}

/**
 * Migrates one analytics rule file and validates the detection it would write (written to a
 * scratch `detections/` folder, since validation reads files): its errors become reasons too.
 */
export function migrateFile(
  path: string,
  catalog: Catalog,
  mitre?: MitreAttack,
): { file: string; migration?: Migration; yaml?: string; errors: string[] } {
  const loaded = loadRuleFile(path);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  if (!loaded.rule || errors.length > 0)
    return { file: loaded.file, errors: errors.length > 0 ? errors : ['not an analytics rule'] };
  const migration = migrateRule(loaded.rule, mitre);
  const yaml = detectionYaml(migration.detection, loaded.file);
  const scratch = join(mkdtempSync(join(tmpdir(), 'sk-migrate-')), 'detections');
  try {
    mkdirSync(scratch);
    const candidate = join(scratch, basename(path));
    writeFileSync(candidate, yaml);
    for (const d of validateDetectionFiles([candidate], { catalog, mitre }).diagnostics) {
      if (d.severity === 'error') migration.reasons.push(`as a custom detection: ${d.message} [${d.code}]`);
    }
  } finally {
    rmSync(dirname(scratch), { recursive: true, force: true });
  }
  migration.reasons = [...new Set(migration.reasons)];
  migration.convertible = migration.reasons.length === 0;
  return { file: loaded.file, migration, yaml, errors: [] };
}
