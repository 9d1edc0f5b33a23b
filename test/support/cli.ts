import { vi } from 'vitest';

/** Runs a command with console output captured: its exit code and what it printed to stdout and stderr. */
export async function runCommand(
  run: (argv: string[]) => Promise<number>,
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line) => void stdout.push(String(line)));
  const error = vi.spyOn(console, 'error').mockImplementation((line) => void stderr.push(String(line)));
  try {
    const code = await run(argv);
    return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}
