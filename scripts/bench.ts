// Runs every benchmark in turn, each in its own process so one's memory and JIT state don't skew
// the next. Usage: npm run bench [-- engine validate rule-tests connectors responders local]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benches = ['engine', 'validate', 'rule-tests', 'connectors', 'responders', 'local'];
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : benches;
const unknown = chosen.filter((name) => !benches.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${benches.join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const name of chosen) {
  const script = fileURLToPath(new URL(`./bench-${name}.ts`, import.meta.url));
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', script], { stdio: 'inherit' });
  console.log(`=== ${name}: exit ${result.status} in ${((Date.now() - started) / 1000).toFixed(1)} s ===`);
  if (result.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
