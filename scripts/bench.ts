// Runs every benchmark in turn, each in its own process so one's memory and JIT state don't skew
// the next. Usage: npm run bench [-- engine validate rule-tests connectors responders local] [--option value ...]
// `content` (how many real analytics rules the engine runs) needs a corpus folder, so it runs only
// when named: npm run bench -- content --dir <folder>
// (options after the names go to each chosen benchmark, e.g. `npm run bench -- engine --rows 100000`)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benches = ['engine', 'validate', 'rule-tests', 'connectors', 'responders', 'local'];
const onRequest = ['content'];
const firstOption = process.argv.findIndex((arg, i) => i >= 2 && arg.startsWith('--'));
const names = process.argv.slice(2, firstOption < 0 ? undefined : firstOption);
const options = firstOption < 0 ? [] : process.argv.slice(firstOption);
const chosen = names.length > 0 ? names : benches;
const unknown = chosen.filter((name) => !benches.includes(name) && !onRequest.includes(name));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark(s): ${unknown.join(', ')}; choose from ${[...benches, ...onRequest].join(', ')}`,
  );
  process.exit(2);
}

let failed = 0;
for (const name of chosen) {
  const script = fileURLToPath(new URL(`./bench-${name}.ts`, import.meta.url));
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...options], { stdio: 'inherit' });
  console.log(`=== ${name}: exit ${result.status} in ${((Date.now() - started) / 1000).toFixed(1)} s ===`);
  if (result.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
