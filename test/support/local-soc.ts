import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface LocalSocProcess {
  process: ChildProcess;
  /** The web UI, http://localhost:<port>. */
  url: string;
  /** The local Azure endpoints, https://127.0.0.1:<port>. */
  apiUrl: string;
  output: () => string;
}

export interface LocalSocStart {
  dataDir: string;
  /** Extra `start` arguments, e.g. ['--speed', '600', '--no-demo']. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** In its own process group, so a test can kill the SOC and everything it started at once. */
  detached?: boolean;
}

/** Starts `sentinel-kit start` as a user would and resolves once it prints its URLs. */
export function startLocalSocProcess(options: LocalSocStart): Promise<LocalSocProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'start',
      '--port',
      '0',
      '--data',
      options.dataDir,
      ...(options.args ?? []),
    ],
    {
      cwd: repoRoot,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.detached,
    },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`local SOC did not start within 90 s:\n${output}`)),
      90_000,
    );
    const exitedEarly = (code: number | null) =>
      reject(new Error(`local SOC exited with ${code}:\n${output}`));
    const watchForUrls = () => {
      const url = /running at (http:\/\/localhost:\d+)/.exec(output)?.[1];
      const apiUrl = /SecurityInsights\): (https:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (!url || !apiUrl) return;
      clearTimeout(timer);
      child.off('exit', exitedEarly);
      child.stdout?.off('data', watchForUrls);
      resolve({ process: child, url, apiUrl, output: () => output });
    };
    child.once('exit', exitedEarly);
    child.stdout?.on('data', watchForUrls);
  });
}
