import { z } from 'zod';
import type { WatchlistSchema } from '../kql/catalog.js';
import { type OperationsModel, operationsSchema } from './model.js';
import type { RoutedRule, WatchlistKeys } from './routing.js';

/**
 * What the SOC operations Function needs at run time, compiled by `build` from the repository into
 * `infra/generated/operations.json`: the model, the analytics rules' tags (for tag routes) and the search
 * keys of the watchlists routes look up (the same items the watchlists module deploys).
 */
export interface OperationsConfig {
  model: OperationsModel;
  rules: RoutedRule[];
  watchlists: Record<string, string[]>;
}

const configSchema = z.strictObject({
  model: operationsSchema,
  rules: z.array(z.strictObject({ id: z.string(), tags: z.array(z.string()) })),
  watchlists: z.record(z.string(), z.array(z.string())),
});

export function compileOperationsConfig(
  model: OperationsModel,
  rules: readonly RoutedRule[],
  watchlists: ReadonlyMap<string, WatchlistSchema>,
): OperationsConfig {
  const aliases = [...new Set(model.routing.routes.flatMap((r) => r.when.watchlist?.alias ?? []))].sort();
  return {
    model,
    rules: rules.map((r) => ({ id: r.id.toLowerCase(), tags: [...r.tags] })),
    watchlists: Object.fromEntries(
      aliases.map((alias) => {
        const watchlist = watchlists.get(alias);
        const keys = (watchlist?.items ?? []).map((item) =>
          String(item[watchlist?.searchKey ?? ''] ?? '').toLowerCase(),
        );
        return [alias, [...new Set(keys.filter(Boolean))].sort()];
      }),
    ),
  };
}

/** Reads a compiled config; the problem as a message (naming the field, not the value) when it is not one. */
export function parseOperationsConfig(value: unknown): { config?: OperationsConfig; error?: string } {
  const parsed = configSchema.safeParse(value);
  if (parsed.success) return { config: parsed.data };
  const issue = parsed.error.issues[0];
  return { error: `${issue.path.join('.') || '(root)'}: ${issue.message}` };
}

export function watchlistKeys(config: OperationsConfig): WatchlistKeys {
  return new Map(Object.entries(config.watchlists).map(([alias, keys]) => [alias, new Set(keys)]));
}
