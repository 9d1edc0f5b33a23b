import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ParserDeployment, savedSearchAliases } from './azure-sentinel-parser.js';

const packages = new Map<string, readonly string[]>();

/**
 * Where a parser file of an Azure-Sentinel Solution folder (`<Solution>/Parsers/*.yaml`) is deployed
 * from: the function aliases its Solution's `Package/mainTemplate.json` deploys, read once per
 * Solution, so `validate` and `import` name the parser as the package does (packagedAlias).
 * `undefined` for a file outside a Parsers folder or a Solution without a package beside it.
 */
export function parserDeployment(path: string): ParserDeployment | undefined {
  const solution = path.match(/^(.*)[\\/]Parsers[\\/][^\\/]+$/i)?.[1];
  if (solution === undefined) return undefined;
  const template = join(solution, 'Package', 'mainTemplate.json');
  let aliases = packages.get(template);
  if (!aliases) {
    aliases = existsSync(template) ? aliasesOf(template) : [];
    packages.set(template, aliases);
  }
  return aliases.length > 0 ? { file: path, aliases } : undefined;
}

function aliasesOf(template: string): string[] {
  try {
    return savedSearchAliases(JSON.parse(readFileSync(template, 'utf8')) as unknown);
  } catch {
    // A template that is not JSON deploys nothing sentinel-kit can read; `import` reports it.
    return [];
  }
}
