import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphClient, userPath } from '../../src/responders/graph.js';
import { onUnhandledRequest } from '../ingest/mockLogsIngestion.js';
import { credential, GRAPH } from '../support/responders.js';

// "If the userPrincipalName begins with a $ character, remove the slash (/) after /users and enclose
// the userPrincipalName in parentheses and single quotes": /users('$AdeleVance@contoso.com').
// https://learn.microsoft.com/graph/api/user-get
describe('Graph user paths', () => {
  const seen: string[] = [];
  const server = setupServer(
    http.patch(/\/v1\.0\/users/, ({ request }) => {
      seen.push(new URL(request.url).pathname);
      return new HttpResponse(null, { status: 204 });
    }),
    http.post(/\/v1\.0\/users/, ({ request }) => {
      seen.push(new URL(request.url).pathname);
      return HttpResponse.json({ value: true });
    }),
  );
  beforeAll(() => server.listen({ onUnhandledRequest }));
  afterAll(() => server.close());

  it('address a UPN starting with $ in the key form, and other users by segment', async () => {
    const graph = new GraphClient({ endpoint: GRAPH, credential });
    await graph.disableUser('$adele@contoso.com');
    await graph.revokeSignInSessions('$adele@contoso.com');
    await graph.disableUser('alice@contoso.com');
    expect(seen).toEqual([
      "/v1.0/users('$adele%40contoso.com')",
      "/v1.0/users('$adele%40contoso.com')/revokeSignInSessions",
      '/v1.0/users/alice%40contoso.com',
    ]);
  });

  it('doubles a quote inside the key and encodes what a path cannot hold', () => {
    expect(userPath("$o'brien/x@contoso.com")).toBe("/v1.0/users('$o''brien%2Fx%40contoso.com')");
  });
});
