import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The README's counts of the built-in catalog, computed from the catalog files themselves, so an
// import that adds tables or parsers makes this fail until the README says the new figures.
const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const catalog = (file: string) => readFileSync(join(root, 'catalog', file), 'utf8');
const packed = (file: string): { name: string; columns: unknown[] }[] =>
  catalog(file)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
const figure = (n: number) => n.toLocaleString('en-US');

describe('README counts of the built-in catalog', () => {
  const tables = packed('tables.ndjson');
  const stubs = new Set([...packed('ci-tables.ndjson'), ...packed('stubs.ndjson')].map((t) => t.name));

  it('tables, their columns and the parser-output stubs', () => {
    const columns = tables.reduce((sum, t) => sum + t.columns.length, 0);
    expect(readme).toContain(
      `${figure(tables.length)} tables, ${figure(columns)} columns as their sources list them; ${figure(stubs.size)} parser-output stubs`,
    );
    expect(readme).toContain(
      `the ${figure(tables.length)} tables and ${figure(stubs.size)} parser-output stubs`,
    );
  });

  it('ASIM parsers, CI functions and published parser bodies', () => {
    const asim = Object.keys(JSON.parse(catalog('asim.json')).parsers).length;
    const ci = JSON.parse(catalog('ci-functions.json')).functions.length;
    const bodies = JSON.parse(catalog('solution-parsers.json')).parsers.length;
    expect(readme).toContain(`${asim} ASIM parsers (\`asim.json\`)`);
    expect(readme).toContain(`(${ci} functions, \`ci-functions.json\``);
    expect(readme).toContain(`${bodies} published Solution and ASIM parser bodies`);
    const watchlists = JSON.parse(catalog('solution-watchlists.json')).watchlists.length;
    expect(readme).toContain(`${watchlists} watchlists Solutions publish with their items`);
  });

  it('starter analytics rules', () => {
    const rules = readdirSync(join(root, 'kql', 'rules'), { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.yaml') && !f.endsWith('.test.yaml'),
    );
    expect(readme).toContain(`backtest of the ${rules.length} starter rules`);
  });
});
