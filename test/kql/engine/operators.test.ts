import { describe, expect, it } from 'vitest';
import { KqlError, UnsupportedError } from '../../../src/kql/index.js';
import { records, schemaOf } from './helpers.js';

const T = `datatable(User:string, N:long, T:datetime)[
  'alice', 1, datetime(2026-01-10 10:00),
  'bob', 5, datetime(2026-01-10 10:02),
  'alice', 3, datetime(2026-01-10 10:07),
  'carol', 2, datetime(2026-01-10 11:00)]`;

describe('tabular operators', () => {
  it('print and range', () => {
    expect(records(`print x = 1 + 2, strcat('a', 'b')`)).toEqual([{ x: 3, print_1: 'ab' }]);
    expect(records(`range i from 1 to 7 step 3`).map((r) => r.i)).toEqual([1, 4, 7]);
    expect(
      records(`range t from datetime(2020-01-01) to datetime(2020-01-01 02:00) step 1h`).map((r) => r.t),
    ).toEqual(['2020-01-01T00:00:00Z', '2020-01-01T01:00:00Z', '2020-01-01T02:00:00Z']);
  });

  it('where, project, extend', () => {
    expect(records(`${T} | where N > 1 and User != 'bob' | extend M = N * 2 | project User, M`)).toEqual([
      { User: 'alice', M: 6 },
      { User: 'carol', M: 4 },
    ]);
  });

  it('project-away, project-rename, project-reorder, project-keep', () => {
    expect(schemaOf(`${T} | project-away T`)).toEqual(['User:string', 'N:long']);
    expect(schemaOf(`${T} | project-rename Who = User`)).toEqual(['Who:string', 'N:long', 'T:datetime']);
    expect(schemaOf(`${T} | project-reorder T, N`)).toEqual(['T:datetime', 'N:long', 'User:string']);
    expect(schemaOf(`${T} | project-keep U*`)).toEqual(['User:string']);
  });

  it('summarize with the common aggregates', () => {
    const rows = records(
      `${T} | summarize n=count(), c=countif(N > 1), d=dcount(User), s=sum(N), a=avg(N), lo=min(N), hi=max(T), users=make_set(User), l=make_list(N) `,
    );
    expect(rows).toEqual([
      {
        n: 4,
        c: 3,
        d: 3,
        s: 11,
        a: 2.75,
        lo: 1,
        hi: '2026-01-10T11:00:00Z',
        users: ['alice', 'bob', 'carol'],
        l: [1, 5, 3, 2],
      },
    ]);
  });

  it('summarize: conditional aggregates, arg_min, make_bag, take_any, stdev, variance, percentile', () => {
    const rows = records(
      `${T} | summarize si=sumif(N, User == 'alice'), di=dcountif(User, N > 1), arg_min(N, User), b=make_bag_if(pack(User, N), N != 3), si2=make_set_if(User, N < 3), v=variance(N), sd=stdev(N), p=percentile(N, 50)`,
    );
    expect(rows[0]).toMatchObject({ si: 4, di: 3, N: 1, User: 'alice', si2: ['alice', 'carol'], p: 2 });
    expect(rows[0].b).toEqual({ alice: 1, bob: 5, carol: 2 });
    // alice's two values: the make_bag page keeps "an arbitrary value" of a key met twice.
    expect(() => records(`${T} | summarize b=make_bag(pack(User, N))`)).toThrow('with two values');
    expect(rows[0].v).toBeCloseTo(2.9166667, 6);
    expect(rows[0].sd).toBeCloseTo(Math.sqrt(2.9166667), 6);
    expect(records(`${T} | summarize percentiles(N, 50, 100)`)).toEqual([
      { percentile_N_50: 2, percentile_N_100: 5 },
    ]);
    expect(records(`${T} | where User == 'bob' | summarize any_user=take_any(User)`)).toEqual([
      { any_user: 'bob' },
    ]);
  });

  it('summarize by bin and expressions over aggregates', () => {
    expect(records(`${T} | summarize total = sum(N) * 10 by bin(T, 1h) | order by T asc`)).toEqual([
      { T: '2026-01-10T10:00:00Z', total: 90 },
      { T: '2026-01-10T11:00:00Z', total: 20 },
    ]);
  });

  it('distinct, count, take, top', () => {
    expect(records(`${T} | distinct User | order by User asc`).map((r) => r.User)).toEqual([
      'alice',
      'bob',
      'carol',
    ]);
    expect(records(`${T} | count`)).toEqual([{ Count: 4 }]);
    expect(records(`${T} | take 2`)).toHaveLength(2);
    expect(records(`${T} | top 2 by N`).map((r) => r.N)).toEqual([5, 3]);
    expect(records(`${T} | top 1 by N asc`).map((r) => r.N)).toEqual([1]);
  });

  describe('join kinds', () => {
    const L = `let L = datatable(k:string, l:long)['a',1,'b',2,'b',3];`;
    const R = `let R = datatable(k:string, r:long)['b',10,'c',20];`;
    const keys = (q: string) =>
      records(`${L}${R} ${q}`)
        .map((r) => JSON.stringify(r))
        .sort();
    it.each([
      [
        'leftouter',
        [
          '{"k":"a","l":1,"k1":"","r":null}',
          '{"k":"b","l":2,"k1":"b","r":10}',
          '{"k":"b","l":3,"k1":"b","r":10}',
        ],
      ],
      [
        'rightouter',
        [
          '{"k":"","l":null,"k1":"c","r":20}',
          '{"k":"b","l":2,"k1":"b","r":10}',
          '{"k":"b","l":3,"k1":"b","r":10}',
        ],
      ],
      [
        'fullouter',
        [
          '{"k":"","l":null,"k1":"c","r":20}',
          '{"k":"a","l":1,"k1":"","r":null}',
          '{"k":"b","l":2,"k1":"b","r":10}',
          '{"k":"b","l":3,"k1":"b","r":10}',
        ],
      ],
      ['leftanti', ['{"k":"a","l":1}']],
      ['leftsemi', ['{"k":"b","l":2}', '{"k":"b","l":3}']],
      ['rightanti', ['{"k":"c","r":20}']],
      ['rightsemi', ['{"k":"b","r":10}']],
    ])('kind=%s', (kind, expected) => {
      expect(keys(`L | join kind=${kind} R on k`)).toEqual(expected);
    });

    it('$left.x == $right.y keys', () => {
      expect(
        records(
          `${L} let S = datatable(key:string, r:long)['a',7]; L | join kind=inner S on $left.k == $right.key`,
        ),
      ).toEqual([{ k: 'a', l: 1, key: 'a', r: 7 }]);
    });

    it('two-column keys match only when both columns do, every right match per left row', () => {
      const T = `let L2 = datatable(u:string, h:long, l:long)['x',1,1,'x',2,2,'y',1,3,'x',1,4];
        let R2 = datatable(u:string, h:long, r:long)['x',1,10,'y',1,20,'x',1,30,'y',2,40];`;
      const rows = (q: string) =>
        records(`${T} ${q}`)
          .map((r) => JSON.stringify(r))
          .sort();
      expect(rows('L2 | join kind=inner R2 on u, h | project l, r')).toEqual([
        '{"l":1,"r":10}',
        '{"l":1,"r":30}',
        '{"l":3,"r":20}',
        '{"l":4,"r":10}',
        '{"l":4,"r":30}',
      ]);
      // innerunique keeps one left row per key (which one is not specified), then joins it.
      expect(rows('L2 | join R2 on u, h | project u, h, r')).toEqual([
        '{"u":"x","h":1,"r":10}',
        '{"u":"x","h":1,"r":30}',
        '{"u":"y","h":1,"r":20}',
      ]);
      expect(rows('L2 | join kind=leftanti R2 on u, h | project l')).toEqual(['{"l":2}']);
      expect(rows('L2 | join kind=rightanti R2 on u, h | project r')).toEqual(['{"r":40}']);
    });

    it('lookup adds the right columns without repeating the key', () => {
      expect(records(`${L}${R} L | lookup R on k | order by l asc`)).toEqual([
        { k: 'a', l: 1, r: null },
        { k: 'b', l: 2, r: 10 },
        { k: 'b', l: 3, r: 10 },
      ]);
    });
  });

  it('union with withsource', () => {
    const rows = records(`union withsource=Source (print a=1), (print a=2)`);
    expect(rows.map((r) => r.a)).toEqual([1, 2]);
    expect(schemaOf(`union withsource=Source (print a=1), (print a=2)`)).toEqual(['Source:string', 'a:long']);
  });

  it('let: scalars, tabular values, functions with parameters, materialize, toscalar', () => {
    const q = `let threshold = 2;
      let f = (t:(N:long), n:long) { t | where N > n };
      let Data = materialize(${T});
      let top1 = toscalar(Data | summarize max(N));
      f(Data, threshold) | extend Top = top1 | project User, N, Top`;
    expect(records(q)).toEqual([
      { User: 'bob', N: 5, Top: 5 },
      { User: 'alice', N: 3, Top: 5 },
    ]);
  });

  it('scalar user functions and in with a tabular operand', () => {
    expect(records(`let twice = (x:long) { x * 2 }; print a = twice(21)`)).toEqual([{ a: 42 }]);
    expect(
      records(
        `${T} | where User in ((${T} | where N > 2 | project User)) | distinct User | order by User asc`,
      ),
    ).toEqual([{ User: 'alice' }, { User: 'bob' }]);
  });

  it('mv-expand with to typeof, itemindex and bag expansion', () => {
    expect(
      records(
        `print d = dynamic([1, 'x', 3]) | mv-expand with_itemindex=i v = d to typeof(long) | project i, v`,
      ),
    ).toEqual([
      { i: 0, v: 1 },
      { i: 1, v: null },
      { i: 2, v: 3 },
    ]);
    expect(records(`print d = dynamic({'a': 1}) | mv-expand bagexpansion=array d`)).toEqual([
      { d: ['a', 1] },
    ]);
  });

  it('mv-apply runs the subquery per row', () => {
    expect(
      records(
        `datatable(id:long, xs:dynamic)[1, dynamic([3,1,2]), 2, dynamic([7])] | mv-apply x = xs to typeof(long) on (summarize s = sum(x)) | project id, s`,
      ),
    ).toEqual([
      { id: 1, s: 6 },
      { id: 2, s: 7 },
    ]);
  });

  it('parse: simple, relaxed, regex and parse-where', () => {
    const S = `datatable(s:string)['user=alice id=42 end', 'user=bob id=x end']`;
    expect(records(`${S} | parse s with 'user=' u ' id=' id:long ' ' * | project u, id`)).toEqual([
      { u: 'alice', id: 42 },
      { u: '', id: null },
    ]);
    expect(
      records(`${S} | parse kind=relaxed s with 'user=' u ' id=' id:long ' ' * | project u, id`),
    ).toEqual([
      { u: 'alice', id: 42 },
      { u: 'bob', id: null },
    ]);
    expect(
      records(`${S} | parse kind=regex s with 'user=' u:string ' id=' id:long | project u, id`)[0],
    ).toEqual({ u: 'alice', id: 42 });
    expect(records(`${S} | parse-where s with 'user=' u ' id=' id:long ' ' * | project u`)).toEqual([
      { u: 'alice' },
    ]);
  });

  it('parse-kv with explicit delimiters', () => {
    expect(
      records(
        `print s='a=1;b=hello' | parse-kv s as (a:long, b:string, c:string) with (pair_delimiter=';', kv_delimiter='=') | project a, b, c`,
      ),
    ).toEqual([{ a: 1, b: 'hello', c: '' }]);
  });

  it('evaluate bag_unpack: slots typed from their values (a string slot is never null)', () => {
    expect(
      records(
        `datatable(id:long, d:dynamic)[1, dynamic({'x':1}), 2, dynamic({'y':'z'})] | evaluate bag_unpack(d)`,
      ),
    ).toEqual([
      { id: 1, x: 1, y: '' },
      { id: 2, x: null, y: 'z' },
    ]);
  });

  it('evaluate bag_unpack with an output schema: typed slots, `*` keeps the other columns', () => {
    const query = `datatable(id:long, d:dynamic)[1, dynamic({'n':'5', 's':'a'}), 2, dynamic({'s':'b'})]
      | evaluate bag_unpack(d) : (*, n:long, s:string) | where s == 'a' or isnull(n) | extend m = n + 1`;
    expect(schemaOf(query)).toEqual(['id:long', 'n:long', 's:string', 'm:long']);
    expect(records(query)).toEqual([
      { id: 1, n: 5, s: 'a', m: 6 },
      { id: 2, n: null, s: 'b', m: null },
    ]);
    expect(records(`print d = dynamic({'a': 1}), x = 1 | evaluate bag_unpack(d, 'p_') : (p_a:long)`)).toEqual(
      [{ p_a: 1 }],
    );
  });

  it('bag_unpack without an output schema inside an mv-apply subquery refuses later operators, naming the fix', () => {
    // Each record's subtable could unpack to other columns, so they cannot be resolved once at run
    // time as at the top level (runtime-schema.test.ts).
    const query = `datatable(d:dynamic)[dynamic({'k': 1})] | mv-apply d on (evaluate bag_unpack(d) | where k == 1)`;
    let error: unknown;
    try {
      records(query);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedError);
    const refusal = error as UnsupportedError;
    expect(refusal.construct).toBe('bag_unpack');
    expect(query.slice(refusal.start, refusal.start + refusal.length).trim()).toBe('evaluate bag_unpack(d)');
    expect(refusal.message).toContain('cannot be followed by where');
    expect(refusal.message).toContain('extend k = tostring(d.k)');
    // Operators that read no columns may follow it.
    expect(records(`print d = dynamic({'k': 1}) | evaluate bag_unpack(d) | take 5`)).toEqual([{ k: 1 }]);
  });

  it('make-series fills empty bins with the default', () => {
    expect(
      records(
        `${T} | make-series n=count() default=0 on T from datetime(2026-01-10 10:00) to datetime(2026-01-10 12:00) step 1h by User | where User == 'alice'`,
      ),
    ).toEqual([
      { User: 'alice', n: [2, 0], T: ['2026-01-10T10:00:00.0000000Z', '2026-01-10T11:00:00.0000000Z'] },
    ]);
  });

  it('top-nested', () => {
    expect(records(`${T} | top-nested 1 of User by sum(N)`)).toEqual([{ User: 'bob', aggregated_User: 5 }]);
  });

  it('as, serialize and row window functions', () => {
    expect(
      records(`range i from 1 to 3 step 1 | serialize | extend p = prev(i), n = next(i), r = row_number()`),
    ).toEqual([
      { i: 1, p: null, n: 2, r: 1 },
      { i: 2, p: 1, n: 3, r: 2 },
      { i: 3, p: 2, n: null, r: 3 },
    ]);
    expect(records(`print a=1 | as X | union X`)).toEqual([{ a: 1 }, { a: 1 }]);
  });
});

describe('refusals and errors', () => {
  it('refuses externaldata, search and find with a position', () => {
    for (const q of [`externaldata(a:string)['https://example.com/x.csv']`, `print a=1 | search 'x'`]) {
      const error = (() => {
        try {
          records(q);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(UnsupportedError);
      expect((error as UnsupportedError).start).toBeGreaterThanOrEqual(0);
    }
  });

  it('binding errors are KqlError with the diagnostic position', () => {
    try {
      records(`print a = nosuch + 1`);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(KqlError);
      expect((e as KqlError).diagnostics[0].start).toBe(10);
    }
  });
});
