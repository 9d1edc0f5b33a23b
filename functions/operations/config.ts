import { readFileSync } from 'node:fs';
import { type OperationsConfig, parseOperationsConfig } from '../../src/operations/config.js';
import { appPath } from '../appRoot.js';
import { SettingError } from '../responders/shared.js';

/** Where `build` writes the model, relative to the repository root; `npm run package` ships it at the same path. */
export const defaultOperationsFile = 'infra/generated/operations.json';

let cached: { path: string; config: OperationsConfig } | undefined;

/**
 * The operations config `build` compiled, from SOC_OPERATIONS_FILE (default infra/generated/operations.json,
 * where `npm run package` puts it); a relative path is taken from the app root.
 */
export function operationsConfig(): OperationsConfig {
  const path = appPath(process.env.SOC_OPERATIONS_FILE || defaultOperationsFile);
  if (cached?.path === path) return cached.config;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new SettingError('SOC_OPERATIONS_FILE', 'does not name a readable JSON file');
  }
  const { config, error } = parseOperationsConfig(json);
  if (!config)
    throw new SettingError('SOC_OPERATIONS_FILE', `names a file that is not an operations config (${error})`);
  cached = { path, config };
  return config;
}
