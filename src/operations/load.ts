import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import type { WatchlistSchema } from '../kql/catalog.js';
import { parseDuration } from '../rules/durations.js';
import { issueDiagnostics, readYamlSource } from '../rules/load.js';
import type { FieldPath, YamlSource } from '../rules/source.js';
import { didYouMean } from '../rules/suggest.js';
import { incidentSeverities } from '../sentinel/client.js';
import { type OperationsModel, operationsSchema } from './model.js';

export const operationsFile = join('kql', 'operations.yaml');

export interface LoadedOperations {
  model?: OperationsModel;
  source?: YamlSource;
  diagnostics: Diagnostic[];
}

/** What the model refers to outside itself: analytics rule tags, watchlists, ATT&CK tactics. */
export interface OperationsContext {
  /** Tags of the analytics rules under kql/rules. */
  ruleTags: ReadonlySet<string>;
  watchlists: ReadonlyMap<string, WatchlistSchema>;
  /** ATT&CK tactic names as Sentinel spells them (e.g. CredentialAccess); unchecked when absent. */
  tactics?: ReadonlySet<string>;
}

/** `kql/operations.yaml` under `root`, or undefined when the repository has none. */
export function findOperationsFile(root: string): string | undefined {
  const path = join(root, operationsFile);
  return existsSync(path) ? path : undefined;
}

/** Reads and checks the model; every problem is a positioned diagnostic (SK07xx). */
export function loadOperationsFile(path: string, file: string, context: OperationsContext): LoadedOperations {
  const { source, diagnostics } = readYamlSource(path, file);
  if (!source) return { diagnostics };
  const parsed = operationsSchema.safeParse(source.document.toJS({ maxAliasCount: 100 }));
  if (!parsed.success)
    return { source, diagnostics: issueDiagnostics(parsed.error.issues, source, 'SK0701') };
  const model = parsed.data;
  const found = checkOperations(model, source, context);
  return { model: found.some((d) => d.severity === 'error') ? undefined : model, source, diagnostics: found };
}

function checkOperations(
  model: OperationsModel,
  source: YamlSource,
  context: OperationsContext,
): Diagnostic[] {
  const found: Diagnostic[] = [];
  const report = (code: string, severity: Diagnostic['severity'], path: FieldPath, message: string) =>
    found.push(source.diagnostic(code, severity, message, source.valueAt(path)));

  const tiers = new Set<string>();
  model.tiers.forEach((tier, i) => {
    if (tiers.has(tier.name))
      report('SK0702', 'error', ['tiers', i, 'name'], `tier '${tier.name}' is defined twice`);
    tiers.add(tier.name);
  });
  const tierRef = (path: FieldPath, tier: string) => {
    if (!tiers.has(tier)) {
      report(
        'SK0703',
        'error',
        path,
        `no tier named '${tier}'${didYouMean(tier, tiers)} (tiers: ${[...tiers].join(', ')})`,
      );
    }
  };
  tierRef(['routing', 'defaultTier'], model.routing.defaultTier);

  const routes = new Set<string>();
  model.routing.routes.forEach((route, i) => {
    const at = (...rest: FieldPath) => ['routing', 'routes', i, ...rest];
    if (routes.has(route.name))
      report('SK0702', 'error', at('name'), `route '${route.name}' is defined twice`);
    routes.add(route.name);
    tierRef(at('tier'), route.tier);
    route.when.ruleTags?.forEach((tag, j) => {
      if (!context.ruleTags.has(tag)) {
        report(
          'SK0704',
          'error',
          at('when', 'ruleTags', j),
          `no analytics rule in kql/rules has tag '${tag}'${didYouMean(tag, context.ruleTags)}`,
        );
      }
    });
    route.when.tactics?.forEach((tactic, j) => {
      if (context.tactics && !context.tactics.has(tactic)) {
        report(
          'SK0705',
          'error',
          at('when', 'tactics', j),
          `unknown MITRE ATT&CK tactic '${tactic}'${didYouMean(tactic, context.tactics)}`,
        );
      }
    });
    const watchlist = route.when.watchlist;
    if (watchlist && !context.watchlists.has(watchlist.alias)) {
      const known = [...context.watchlists.keys()];
      report(
        'SK0706',
        'error',
        at('when', 'watchlist', 'alias'),
        `no watchlist '${watchlist.alias}' in kql/watchlists${didYouMean(watchlist.alias, known)}`,
      );
    }
  });

  for (const severity of incidentSeverities) {
    const target = model.sla[severity];
    if (!target) {
      report('SK0707', 'warning', ['sla'], `no SLA for ${severity} incidents: they never breach or escalate`);
    } else if ((parseDuration(target.acknowledge) ?? 0) > (parseDuration(target.close) ?? 0)) {
      report(
        'SK0708',
        'error',
        ['sla', severity, 'acknowledge'],
        `time to acknowledge (${target.acknowledge}) is longer than time to close (${target.close})`,
      );
    }
  }

  const qaTiers = new Set<string>();
  model.qa.forEach((qa, i) => {
    tierRef(['qa', i, 'tier'], qa.tier);
    if (qaTiers.has(qa.tier))
      report('SK0702', 'error', ['qa', i, 'tier'], `QA sampling for tier '${qa.tier}' is defined twice`);
    qaTiers.add(qa.tier);
  });
  return found;
}
