import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type OperationsConfig, parseOperationsConfig } from '../../src/operations/config.js';
import { SettingError } from '../responders/shared.js';

let cached: { path: string; config: OperationsConfig } | undefined;

/** The operations config `build` compiled, from SOC_OPERATIONS_FILE (default infra/generated/operations.json). */
export function operationsConfig(): OperationsConfig {
  const path = resolve(process.env.SOC_OPERATIONS_FILE || 'infra/generated/operations.json');
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
