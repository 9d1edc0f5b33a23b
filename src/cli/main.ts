// Command dispatch only: each command lives in src/cli/commands/<name>.ts and exports `run(argv): Promise<number>`.
const commands: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  build: () => import('./commands/build.js'),
  docs: () => import('./commands/docs.js'),
  start: () => import('./commands/start.js'),
  validate: () => import('./commands/validate.js'),
  test: () => import('./commands/test.js'),
  backtest: () => import('./commands/backtest.js'),
  query: () => import('./commands/query.js'),
  preflight: () => import('./commands/preflight.js'),
  import: () => import('./commands/import.js'),
  init: () => import('./commands/init.js'),
  report: () => import('./commands/report.js'),
  deploy: () => import('./commands/deploy.js'),
  migrate: () => import('./commands/migrate.js'),
  coverage: () => import('./commands/coverage.js'),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name ? commands[name] : undefined;
  if (!load) {
    console.error(`usage: sentinel-kit <${Object.keys(commands).join('|')}> [options]`);
    return name ? 2 : 0;
  }
  return (await load()).run(rest);
}

process.exitCode = await main(process.argv.slice(2));
