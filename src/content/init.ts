import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { findFiles } from '../rules/load.js';

/** One file of a new content repository, relative to its root. */
export interface ScaffoldFile {
  path: string;
  text: string;
}

/** Starter content `init` copies from sentinel-kit's own kql/: one rule with its tests. */
const EXAMPLE = [
  'kql/rules/identity/signin-password-spray.yaml',
  'kql/rules/identity/signin-password-spray.test.yaml',
  'kql/schemas/README.md',
];

/**
 * npm leaves dot-folders' meaning to the publisher and drops `.gitignore` from packages, so the
 * templates name them without the dot.
 */
const RENAMES: Record<string, string> = { github: '.github', gitignore: '.gitignore' };

/**
 * The files of a new content repository: the config file, CI pipelines for GitHub Actions and Azure
 * DevOps, backtest sample data (templates/init/ of the package), and one example rule with its
 * tests from sentinel-kit's own content.
 */
export function scaffold(packageRoot: string): ScaffoldFile[] {
  const templates = join(packageRoot, 'templates', 'init');
  const files = findFiles([templates], () => true).map((file) => {
    const [first, ...rest] = relative(templates, file).split(sep);
    return { path: [RENAMES[first] ?? first, ...rest].join('/'), text: readFileSync(file, 'utf8') };
  });
  for (const path of EXAMPLE) files.push({ path, text: readFileSync(join(packageRoot, path), 'utf8') });
  return files.sort((a, b) => a.path.localeCompare(b.path));
}
