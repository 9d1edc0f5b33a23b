// The built CLI for benchmarks that time a cold command as the installed package runs it
// (`npm run build:cli`: the esbuild bundle in dist/cli, without tsx), in a fresh process, so the
// time includes module load and Kusto.Language's start on every thread, as a CI run pays.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageDir = fileURLToPath(new URL('..', import.meta.url));

export function buildCli(): void {
  const built = spawnSync('npm', ['run', '--silent', 'build:cli'], {
    cwd: packageDir,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (built.status !== 0) throw new Error('npm run build:cli failed');
}

export interface ColdRun {
  status: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  /** User + system CPU of every thread of the child. */
  cpuSeconds: number;
  peakRssMb: number;
}

/** `sentinel-kit <args>` in a fresh process; the child writes its own resource usage when it exits. */
export function runCliCold(args: readonly string[]): ColdRun {
  const dir = mkdtempSync(join(tmpdir(), 'sk-bench-usage-'));
  try {
    const usageFile = join(dir, 'usage.json');
    const preload = `import { writeFileSync } from 'node:fs'; process.on('exit', () => writeFileSync(${JSON.stringify(usageFile)}, JSON.stringify(process.resourceUsage())));`;
    const started = performance.now();
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        `data:text/javascript,${encodeURIComponent(preload)}`,
        join(packageDir, 'dist/cli/sentinel-kit.js'),
        ...args,
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const seconds = (performance.now() - started) / 1000;
    const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as NodeJS.ResourceUsage;
    return {
      status: run.status,
      stdout: run.stdout,
      stderr: run.stderr,
      seconds,
      cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
      peakRssMb: usage.maxRSS / 1024,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
