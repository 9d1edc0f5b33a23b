import { inRange } from '../functions/ip.js';
import { evaluationError } from '../plan/errors.js';
import type { Plan } from '../plan/types.js';
import type { Value } from '../values/index.js';
import { type Frame, frameFromRows, frameToRows } from './frame.js';

type Ipv4LookupPlan = Extract<Plan, { op: 'ipv4-lookup' }>;

/**
 * ipv4_lookup: each input row with every lookup row whose IP-prefix range (a bare address is a /32)
 * holds the row's address, in lookup-table order, as the lookup operator pairs rows; with
 * return_unmatched, a row without a match keeps empty lookup columns. The docs let the source key
 * carry a prefix too but do not say how two prefixes match, so such a value is refused.
 */
export function executeIpv4Lookup(plan: Ipv4LookupPlan, input: Frame, lookup: Frame): Frame {
  const ranges = lookup.columns[plan.lookupKey];
  const lookupRows = frameToRows(lookup);
  const none: Value[] = lookup.schema.map(() => null);
  const inputRows = frameToRows(input);
  const rows: Value[][] = [];
  inputRows.forEach((row, i) => {
    const address = input.columns[plan.sourceKey][i];
    const key = typeof address === 'string' ? address.trim() : '';
    if (key.includes('/'))
      throw evaluationError(
        `ipv4_lookup: source address '${key}' has an IP prefix; how a prefixed source matches a range is not documented, so it is refused`,
        plan.span,
      );
    let matched = false;
    if (key !== '') {
      ranges.forEach((range, j) => {
        if (typeof range === 'string' && inRange(key, range) === true) {
          rows.push([...row, ...lookupRows[j]]);
          matched = true;
        }
      });
    }
    if (!matched && plan.unmatched) rows.push([...row, ...none]);
  });
  return frameFromRows(plan.schema, rows);
}
