import { describe, expect, it } from 'vitest';
import { nextLink } from '../../src/connectors/http.js';
import { mapOktaEvent, oktaConnector } from '../../src/connectors/okta.js';
import { OKTA_ORG, oktaSamples } from './vendorMocks.js';

describe('mapOktaEvent', () => {
  it('keeps the Okta objects for the DCR transform and normalizes the time', () => {
    const row = mapOktaEvent(oktaSamples()[1]);
    expect(row).toMatchObject({
      published: '2026-01-10T11:53:41.002Z',
      uuid: '2a7d9b10-8d3b-11f0-9c2e-6b1d4e0a7c12',
      eventType: 'user.session.start',
      severity: 'WARN',
      outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
      client: expect.objectContaining({ ipAddress: '203.0.113.77' }),
    });
  });

  it('turns absent strings into empty strings and absent objects into null', () => {
    const { uuid, published, eventType } = oktaSamples()[0];
    expect(mapOktaEvent({ uuid, published, eventType })).toMatchObject({
      displayMessage: '',
      actor: null,
      target: null,
    });
  });

  it('throws on an event it cannot place in time or identify', () => {
    const [event] = oktaSamples();
    expect(() => mapOktaEvent({ ...event, published: '' })).toThrow(/published/);
    expect(() => mapOktaEvent({ ...event, uuid: undefined as unknown as string })).toThrow(/uuid/);
  });
});

describe('okta cursor', () => {
  const connector = oktaConnector({
    orgUrl: `${OKTA_ORG}/`,
    apiToken: 't',
    now: () => Date.parse('2026-01-10T12:00:00Z'),
  });

  it('starts at now minus the lookback and is keyed by the org host', () => {
    expect(connector.initialCursor()).toEqual({ since: '2026-01-10T11:00:00.000Z' });
    expect(connector.checkpointKey).toBe('contoso.okta.com');
  });

  it('accepts only cursors it writes', () => {
    const next = `${OKTA_ORG}/api/v1/logs?limit=1000&after=abc`;
    expect(connector.parseCursor({ next })).toEqual({ next });
    expect(connector.parseCursor({ after: 'abc' })).toEqual({ after: 'abc' });
    // A tampered checkpoint must not send the API token to another host.
    expect(() => connector.parseCursor({ next: 'https://evil.example/api/v1/logs?after=abc' })).toThrow(
      /not one this connector writes/,
    );
    expect(() => connector.parseCursor({ lastId: 3 })).toThrow(/not one this connector writes/);
  });
});

describe('nextLink', () => {
  it('finds rel="next" among several links', () => {
    const header =
      '<https://contoso.okta.com/api/v1/logs?limit=2>; rel="self", <https://contoso.okta.com/api/v1/logs?after=1700000000000_1&limit=2>; rel="next"';
    expect(nextLink(header)).toBe('https://contoso.okta.com/api/v1/logs?after=1700000000000_1&limit=2');
  });

  it('is undefined without a next link', () => {
    expect(nextLink('<https://api.github.com/x?before=a>; rel="prev"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });
});
