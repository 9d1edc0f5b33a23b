import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const fixtureRepo = fileURLToPath(new URL('./fixtures/repo', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A scratch copy of the fixture repository that a test may edit. */
export function copyFixtureRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sk-build-'));
  cpSync(fixtureRepo, dir, { recursive: true });
  return dir;
}

export function editFile(root: string, path: string, edit: (text: string) => string): void {
  const file = join(root, path);
  const before = readFileSync(file, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`edit of ${path} changed nothing`);
  writeFileSync(file, after);
}
