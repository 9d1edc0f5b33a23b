import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { parseDocument } from 'yaml';
import type { Diagnostic } from '../../diagnostics.js';
import type { DocumentFacts } from './facts.js';

const SEMVER = /^\d+\.\d+\.\d+$/;

/**
 * Sentinel offers a template update only when `version` grows, so a query edited without a version
 * bump never reaches workspaces that installed the rule. Compares with the committed file at git
 * HEAD; files outside git or not yet committed are skipped.
 */
export function checkVersions(documents: readonly DocumentFacts[], compareWithGit = true): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const warn = (document: DocumentFacts, code: string, message: string, field: 'version' | 'query') =>
    diagnostics.push({ code, severity: 'warning', message, file: document.file, ...document.at[field] });
  for (const document of documents) {
    if (document.version !== undefined && !SEMVER.test(document.version)) {
      warn(document, 'SK1702', `version '${document.version}' should look like 1.0.0`, 'version');
    }
  }
  if (!compareWithGit) return diagnostics;
  const committed = committedContents(documents.map((d) => d.path));
  for (const document of documents) {
    const before = committed.get(document.path);
    if (before === undefined) continue;
    const old = parseDocument(before).toJS() as { query?: unknown; version?: unknown } | null;
    if (typeof old?.query !== 'string' || old.query === document.query) continue;
    const oldVersion = old.version === undefined ? undefined : String(old.version);
    const version = document.version;
    if (version !== undefined && (oldVersion === undefined || isNewer(version, oldVersion))) continue;
    const message =
      version === undefined
        ? 'the query changed since git HEAD; add a version (e.g. 1.0.1) so Sentinel offers the update'
        : `the query changed since git HEAD but version ${version} is not newer than ${oldVersion}; bump it`;
    warn(document, 'SK1701', message, version === undefined ? 'query' : 'version');
  }
  return diagnostics;
}

function isNewer(version: string, than: string): boolean {
  const a = version.split('.').map(Number);
  const b = than.split('.').map(Number);
  if ([...a, ...b].some(Number.isNaN)) return version !== than;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return false;
}

/** Contents at HEAD of each file that git tracks, read with one `git cat-file --batch` per repository. */
function committedContents(paths: readonly string[]): Map<string, string> {
  const byRepository = new Map<string, { path: string; name: string }[]>();
  const rootOf = new Map<string, string | undefined>();
  for (const path of paths) {
    const dir = dirname(path);
    if (!rootOf.has(dir)) rootOf.set(dir, repositoryRoot(dir));
    const root = rootOf.get(dir);
    if (!root) continue;
    const name = relative(root, realpathSync(path)).split(sep).join('/');
    byRepository.set(root, [...(byRepository.get(root) ?? []), { path, name }]);
  }
  const contents = new Map<string, string>();
  for (const [root, files] of byRepository) {
    const result = spawnSync('git', ['cat-file', '--batch'], {
      cwd: root,
      input: files.map((file) => `HEAD:${file.name}\n`).join(''),
      maxBuffer: 256 * 1024 * 1024,
    });
    if (result.status !== 0) continue;
    const out = result.stdout;
    let at = 0;
    for (const file of files) {
      const headerEnd = out.indexOf(0x0a, at);
      if (headerEnd < 0) break;
      const header = out.subarray(at, headerEnd).toString('utf8');
      at = headerEnd + 1;
      const [, type, size] = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header) ?? [];
      if (size === undefined) continue;
      if (type === 'blob') contents.set(file.path, out.subarray(at, at + Number(size)).toString('utf8'));
      at += Number(size) + 1;
    }
  }
  return contents;
}

function repositoryRoot(dir: string): string | undefined {
  const result = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8' });
  return result.status === 0 ? realpathSync(result.stdout.trim()) : undefined;
}
