import { describe, expect, it } from 'vitest';
import { kqlString } from '../../src/query/kqlLiteral.js';
import { odataString } from '../../src/responders/defender.js';
import { signInQuery, threatIntelQuery } from '../../src/responders/enrich.js';

describe('kqlString', () => {
  it.each([
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['two\nlines\r\tx', '"two\\nlines\\r\\tx"'],
    ["it's | where 1==1", '"it\'s | where 1==1"'],
  ])('quotes %j', (value, literal) => {
    expect(kqlString(value)).toBe(literal);
  });

  it('refuses control characters that have no escape', () => {
    expect(() => kqlString('a\u0007b')).toThrow(/control character/);
  });
});

describe('odataString', () => {
  it('doubles single quotes', () => {
    expect(odataString("o'brien")).toBe("'o''brien'");
  });
});

describe('enrichment queries', () => {
  it('look IPs up by observable value in the STIX indicators table', () => {
    const q = threatIntelQuery(['203.0.113.5', '2001:db8::1']);
    expect(q).toContain('ObservableValue in ("203.0.113.5", "2001:db8::1")');
    expect(q.startsWith('ThreatIntelIndicators')).toBe(true);
  });

  it('match accounts by UPN or object id, whichever is known', () => {
    const q = signInQuery([
      { userPrincipalName: 'a@contoso.com', display: 'a' },
      { aadUserId: '9f0e1d2c-3b4a-4596-8877-665544332211', display: 'b' },
    ]);
    expect(q).toContain(
      '| where UserPrincipalName in~ ("a@contoso.com") or UserId in~ ("9f0e1d2c-3b4a-4596-8877-665544332211")',
    );
  });
});
