import { describe, expect, it } from 'vitest';
import { records, refusalAt } from './helpers.js';

// Issue 11, session 13 (round 10): each refusal names its construct at the query text that meets it
// (conformance/cases/wrong-answer-hunt-10.yaml holds the pages and the messages).

const T1 = `let t1 = datatable(key: long, value: string)[1, "val1.1", 1, "val1.2"];`;
const T2 = `let t2 = datatable(key: long, value: string)[1, "val1.3", 1, "val1.4"];`;

describe('round 10 refusals are positioned', () => {
  it('innerunique over differing duplicate left rows is refused at the join operator', () => {
    expect(refusalAt(`${T1}${T2} t1 | join kind=innerunique t2 on key`)).toEqual({
      construct: 'join kind=innerunique over duplicate left keys',
      at: 'join kind=innerunique t2 on key',
    });
    // The default kind is the same join.
    expect(refusalAt(`${T1}${T2} t1 | join t2 on key | project value`).construct).toBe(
      'join kind=innerunique over duplicate left keys',
    );
  });

  it('innerunique answers where the kept left row cannot show', () => {
    // value is read only by a filter the page says runs before the deduplication (join-innerunique page).
    expect(records(`${T1}${T2} t1 | join kind=innerunique t2 on key | where value == "val1.2"`)).toEqual([
      { key: 1, value: 'val1.2', key1: 1, value1: 'val1.3' },
      { key: 1, value: 'val1.2', key1: 1, value1: 'val1.4' },
    ]);
    // Dropped by project-away, or through a function body's result.
    expect(records(`${T1}${T2} t1 | join t2 on key | project-away value | count`)).toEqual([{ Count: 2 }]);
    expect(
      records(
        `${T1}${T2} let f = () { t1 | join t2 on key | project key, value1 }; f() | order by value1 asc`,
      ),
    ).toEqual([
      { key: 1, value1: 'val1.3' },
      { key: 1, value1: 'val1.4' },
    ]);
    // kind=inner keeps every left row: nothing to choose.
    expect(records(`${T1}${T2} t1 | join kind=inner t2 on key | count`)).toEqual([{ Count: 4 }]);
  });

  it('the scalar refusals are reported at their calls', () => {
    expect(refusalAt('print a = url_decode("a+b")')).toEqual({
      construct: "url decoding of a '+'",
      at: 'url_decode("a+b")',
    });
    expect(refusalAt('print a = split("a_b", "_", 2)').at).toBe('split("a_b", "_", 2)');
    expect(refusalAt('print a = strcat_array(dynamic([null]), ",")').construct).toBe(
      'strcat_array() of an array with a null element',
    );
    expect(refusalAt('datatable(s:string)["ab"] | extend t = substring(s, 0 - 3)').at).toBe(
      'substring(s, 0 - 3)',
    );
    expect(refusalAt('print a = strrep("x", 0)').construct).toBe(
      'strrep() with a multiplier below 1 or above 1024',
    );
  });
});
