import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type ParserDeployment, savedSearchAliases } from './azure-sentinel-parser.js';

const packages = new Map<string, readonly string[]>();

/**
 * Where a parser file of an Azure-Sentinel Solution folder (`<Solution>/Parsers/*.yaml`) is deployed
 * from: the function aliases its Solution's `Package/mainTemplate.json` deploys, read once per
 * Solution, so `validate`, `import` and the catalog import (scripts/import-solution-parsers.ts, over
 * a folder holding the packages in the published layout) name the parser as the package does
 * (packagedAlias). `undefined` for a file outside a Parsers folder or a Solution without a package
 * beside it.
 */
export function parserDeployment(path: string): ParserDeployment | undefined {
  const template = solutionPackage(path);
  if (template === undefined) return undefined;
  if (!existsSync(template)) return undefined;
  // Keyed by the file's state too: one process may read a folder before and after its package is
  // added (the catalog import of a parser folder, run again once its package is copied in).
  const { mtimeMs, size } = statSync(template);
  const key = `${template}\0${mtimeMs}\0${size}`;
  let aliases = packages.get(key);
  if (!aliases) {
    aliases = aliasesOf(template);
    packages.set(key, aliases);
  }
  return aliases.length > 0 ? { file: path, aliases } : undefined;
}

/** The package template of the Solution a parser file belongs to (`<Solution>/Package/mainTemplate.json`). */
export function solutionPackage(parserPath: string): string | undefined {
  const solution = parserPath.match(/^(.*)[\\/]Parsers[\\/][^\\/]+$/i)?.[1];
  return solution === undefined ? undefined : join(solution, 'Package', 'mainTemplate.json');
}

function aliasesOf(template: string): string[] {
  try {
    return savedSearchAliases(JSON.parse(readFileSync(template, 'utf8')) as unknown);
  } catch {
    // A template that is not JSON deploys nothing sentinel-kit can read; `import` reports it.
    return [];
  }
}
