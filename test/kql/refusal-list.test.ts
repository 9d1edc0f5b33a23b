/**
 * The refusal list stays honest: every function, aggregate, plugin and query operator of
 * Kusto.Language the engine does not answer has a recorded reason (src/kql/plan/refusals.ts), no reason
 * is recorded for a construct the engine answers, and a refusal's error carries its reason.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  constructInventory,
  OPERATOR_SAMPLES,
  operatorKinds,
  refusalSites,
} from '../../scripts/list-refusals.js';
import { emptyCatalog } from '../../src/kql/catalog.js';
import { runQuery } from '../../src/kql/index.js';
import { refusalReason, refusalReasons } from '../../src/kql/plan/refusals.js';

const inventory = constructInventory();

function run(query: string) {
  return runQuery(query, { catalog: emptyCatalog(), tables: new Map(), now: 0n });
}

describe('refusal list', () => {
  it('has a query for every query operator kind of Kusto.Language', () => {
    expect(operatorKinds().filter((kind) => !OPERATOR_SAMPLES[kind])).toEqual([]);
  });

  it('records a reason for every construct the engine refuses', () => {
    const refused = inventory.filter((c) => !c.answered);
    expect(refused.length).toBeGreaterThan(100);
    const withoutReason = refused
      .filter((c) => (c.kind === 'operator' ? !refusalReason(c.construct) : !c.reason))
      .map((c) => `${c.kind} ${c.construct}`);
    expect(withoutReason).toEqual([]);
  });

  it('records no reason for a construct the engine answers', () => {
    const refused = new Set(inventory.filter((c) => !c.answered).map((c) => c.construct));
    const answered = new Set(inventory.filter((c) => c.answered).map((c) => c.construct));
    const stale = refusalReasons()
      .map(([construct]) => construct)
      .filter((construct) => answered.has(construct) && !refused.has(construct));
    expect(stale).toEqual([]);
  });

  it("names a refused operator by its keyword, so its error carries the operator's reason", () => {
    const misnamed = inventory
      .filter((c) => c.kind === 'operator' && !c.answered && c.refusedAs !== undefined)
      .filter((c) => c.refusedAs !== c.construct)
      .map((c) => `${c.construct} refused as ${c.refusedAs}`);
    expect(misnamed).toEqual([]);
  });

  it('lists the argument- and data-dependent refusal sites at their callers', () => {
    const sites = refusalSites(join(dirname(fileURLToPath(import.meta.url)), '../..'));
    const texts = sites.map((s) => `${s.file} ${s.text}`);
    expect(texts).toContainEqual(
      expect.stringMatching(/^src\/kql\/lower\/scalar\.ts unsupported\( conditionNode,/),
    );
    // A module's wrapper (decimal.ts's refuse()) is listed where it is called, not inside itself.
    expect(texts).toContainEqual(
      expect.stringContaining("decimal.ts refuse(construct, 'decimal division by zero"),
    );
    expect(texts.filter((t) => t.startsWith('src/kql/functions/decimal.ts new UnsupportedError('))).toEqual(
      [],
    );
  });

  it.each([
    ['print set_equals(dynamic([1]), dynamic([1]))', 'set_equals()'],
    ['print parse_user_agent("Mozilla/5.0", "browser")', 'parse_user_agent()'],
    ['print series_fir(dynamic([1, 2]), dynamic([1]))', 'series_fir()'],
    ['range x from 1 to 2 step 1 | summarize tdigest(x)', 'tdigest()'],
    ['range x from 1 to 2 step 1 | evaluate session_count(x, x, 1, 2, 1, 1)', 'evaluate session_count'],
    ['range x from 1 to 2 step 1 | extend s = tostring(x) | reduce by s', 'reduce'],
    ['range x from 1 to 2 step 1 | fork (take 1) (count)', 'fork'],
    ['range x from 1 to 2 step 1 | sample 1', 'sample'],
  ])('%s is refused with the recorded reason', (query, construct) => {
    const reason = refusalReason(construct);
    expect(reason).toBeDefined();
    expect(() => run(query)).toThrow(`${construct} is not supported by the embedded KQL engine: ${reason}`);
  });
});
