import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The folder of sentinel-kit's own package.json: the checkout when run from src/ through tsx, the
 * installed package when run from its bundled dist/cli/. Data shipped with the toolkit (the table
 * catalog, MITRE ATT&CK, the `init` templates) is found from here.
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'catalog'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('sentinel-kit: cannot find its package folder (with catalog/)');
    dir = parent;
  }
  root = dir;
  return dir;
}
