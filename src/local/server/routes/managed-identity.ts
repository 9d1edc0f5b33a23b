import { timingSafeEqual } from 'node:crypto';
import { localDevToken } from '../../dev-credential.js';
import { HttpError, type Router, sendJson } from '../http.js';

/**
 * The App Service managed identity endpoint (IDENTITY_ENDPOINT + X-IDENTITY-HEADER, api-version
 * 2019-08-01), which is how DefaultAzureCredential gets tokens inside Azure Functions. Serving it
 * locally lets the Functions app keep using DefaultAzureCredential unchanged; tokens it hands out
 * are the local dev token, valid only against the local endpoints.
 * https://learn.microsoft.com/en-us/azure/app-service/overview-managed-identity#rest-endpoint-reference
 */
export function addManagedIdentityRoutes(router: Router, identityHeader: string): void {
  router.add('GET', '/msi/token', ({ request, response, url }) => {
    const given = Buffer.from(String(request.headers['x-identity-header'] ?? ''));
    const expected = Buffer.from(identityHeader);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new HttpError(401, 'Unauthorized', 'X-IDENTITY-HEADER is missing or wrong');
    }
    const resource = url.searchParams.get('resource');
    if (!resource) throw new HttpError(400, 'BadRequest', "the 'resource' query parameter is required");
    sendJson(response, 200, {
      access_token: localDevToken,
      expires_on: String(Math.floor(Date.now() / 1000) + 3600),
      resource,
      token_type: 'Bearer',
      client_id: '00000000-0000-0000-0000-000000000000',
    });
  });
}
