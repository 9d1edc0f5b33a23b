import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The Functions app's root: the nearest folder above this code that holds host.json ("the root directory
 * where the host.json file and function folders are located", the app settings reference). The worker's
 * working directory is not documented to be that folder, so files the app ships are found from here: the
 * repository root when run from source, the unzipped package's root when run from `npm run package`'s bundle.
 */
export function appRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'host.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('no host.json above the Functions code: not a Functions app layout');
    dir = parent;
  }
  root = dir;
  return root;
}

/** A path from an app setting: absolute as given, relative to the app root otherwise. */
export function appPath(path: string): string {
  return resolve(appRoot(), path);
}
