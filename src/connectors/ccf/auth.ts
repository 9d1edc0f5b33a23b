import { fetchJson, SourceError, type SourceHttpOptions } from '../http.js';
import { firstJsonPath, parseJsonPath } from './jsonPath.js';

type Json = Record<string, unknown>;

/** What a request needs from the auth section: headers, and for API keys in POST payloads a body field. */
export interface Credentials {
  headers: Record<string, string>;
  bodyFields: Record<string, string>;
  /** For `{_APIKeyName}` / `{_APIKey}` in queryParametersTemplate (REF, built-in variables). */
  apiKey?: { name: string; value: string };
}

export interface AuthProvider {
  credentials(signal: AbortSignal): Promise<Credentials>;
  /** Forgets a cached token after a 401, so the next attempt fetches a new one. */
  invalidate(): void;
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * The auth kinds of "RestApiPoller data connector reference" (REF), Authentication configuration:
 * https://learn.microsoft.com/azure/sentinel/data-connector-connection-rules-reference#authentication-configuration
 * `auth` has its `{{parameters}}` already filled.
 */
export function authProvider(auth: Json, http: SourceHttpOptions, now: () => number): AuthProvider {
  const fixed = (credentials: Credentials): AuthProvider => ({
    credentials: async () => credentials,
    invalidate: () => undefined,
  });
  switch (auth.type) {
    case 'None':
      return fixed({ headers: {}, bodyFields: {} });
    case 'Basic':
      return fixed({
        headers: { Authorization: basic(String(auth.userName), String(auth.password)) },
        bodyFields: {},
      });
    case 'APIKey': {
      // REF: ApiKeyName defaults to Authorization, ApiKeyIdentifier to "token"; an explicit empty
      // ApiKeyName sends the bare key in Authorization.
      const name =
        typeof auth.apiKeyName === 'string' && auth.apiKeyName !== '' ? auth.apiKeyName : 'Authorization';
      const identifier =
        auth.apiKeyName === ''
          ? ''
          : typeof auth.apiKeyIdentifier === 'string'
            ? auth.apiKeyIdentifier
            : 'token';
      const value = identifier ? `${identifier} ${auth.apiKey}` : String(auth.apiKey);
      const apiKey = { name, value: String(auth.apiKey) };
      return fixed(
        auth.isApiKeyInPostPayload === true
          ? { headers: {}, bodyFields: { [name]: value }, apiKey }
          : { headers: { [name]: value }, bodyFields: {}, apiKey },
      );
    }
    case 'OAuth2':
      return tokenProvider(now, async (signal) => {
        if (auth.grantType !== 'client_credentials')
          throw new SourceError(
            'OAuth2 authorization_code needs the consent flow of the Sentinel portal; the local poller runs client_credentials only',
          );
        const form = new URLSearchParams({ grant_type: 'client_credentials' });
        const headers: Record<string, string> = {
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
          ...(auth.tokenEndpointHeaders as Record<string, string> | undefined),
        };
        if (auth.isCredentialsInHeaders === true)
          headers.Authorization = basic(String(auth.clientId), String(auth.clientSecret));
        else {
          form.set('client_id', String(auth.clientId));
          form.set('client_secret', String(auth.clientSecret));
        }
        if (typeof auth.scope === 'string') form.set('scope', auth.scope);
        const url = withQuery(
          String(auth.tokenEndpoint),
          auth.tokenEndpointQueryParameters as Json | undefined,
        );
        const { body } = await fetchJson(
          url,
          { method: 'POST', headers, body: form.toString() },
          http,
          signal,
        );
        const token = (body as Json | null)?.access_token;
        if (typeof token !== 'string')
          throw new SourceError('the OAuth2 token endpoint answered without an access_token');
        const prepend = typeof auth.accessTokenPrepend === 'string' ? auth.accessTokenPrepend : 'Bearer';
        return { value: `${prepend} ${token}`.trim(), expiresInS: Number((body as Json).expires_in) };
      });
    case 'JwtToken':
      return tokenProvider(now, async (signal) => {
        const user = auth.userName as { key?: string; value: string };
        const password = auth.password as { key?: string; value: string };
        const headers: Record<string, string> = {
          Accept: 'application/json',
          ...(auth.headers as Record<string, string> | undefined),
        };
        let body: string | undefined;
        // REF: IsCredentialsInHeaders sends Basic user:password; otherwise the key/value pairs go
        // in the POST body, JSON when IsJsonRequest, form-encoded otherwise.
        if (auth.isCredentialsInHeaders === true) headers.Authorization = basic(user.value, password.value);
        else {
          const fields = {
            [user.key ?? 'username']: user.value,
            [password.key ?? 'password']: password.value,
          };
          if (auth.isJsonRequest === true) {
            headers['Content-Type'] = 'application/json';
            body = JSON.stringify(fields);
          } else {
            headers['Content-Type'] = 'application/x-www-form-urlencoded';
            body = new URLSearchParams(fields).toString();
          }
        }
        const method = auth.tokenEndpointHttpMethod === 'GET' ? 'GET' : 'POST';
        const url = withQuery(String(auth.tokenEndpoint), auth.queryParameters as Json | undefined);
        const timeoutMs = (Number(auth.requestTimeoutInSeconds) || 100) * 1000;
        const response = await fetchJson(
          url,
          { method, headers, body: method === 'GET' ? undefined : body },
          { ...http, timeoutMs },
          signal,
        );
        let token: unknown;
        if (auth.jwtTokenInResponseHeader === true)
          token = response.headers.get(String(auth.jwtTokenHeaderName ?? 'Authorization'));
        else
          token = firstJsonPath(
            response.body,
            parseJsonPath(String(auth.jwtTokenJsonPath ?? '$.access_token')),
          );
        if (typeof token !== 'string' || token === '')
          throw new SourceError(
            'the JWT token endpoint answered without a token where jwtTokenJsonPath points',
          );
        if (typeof auth.jwtTokenIdentifier === 'string' && token.startsWith(auth.jwtTokenIdentifier))
          token = token.slice(auth.jwtTokenIdentifier.length).trim();
        // REF: the header is always Authorization; NoAccessTokenPrepend drops the "Bearer".
        return {
          value: auth.noAccessTokenPrepend === true ? String(token) : `Bearer ${token}`,
          expiresInS: Number.NaN,
        };
      });
    default:
      throw new SourceError(`auth type ${String(auth.type)} is not one the local poller runs`);
  }
}

/** A bearer-style token fetched on first use and again a minute before it expires or after a 401. */
function tokenProvider(
  now: () => number,
  fetchToken: (signal: AbortSignal) => Promise<{ value: string; expiresInS: number }>,
): AuthProvider {
  let cached: { value: string; until: number } | undefined;
  return {
    async credentials(signal) {
      if (!cached || now() >= cached.until) {
        const { value, expiresInS } = await fetchToken(signal);
        const lifetimeMs =
          Number.isFinite(expiresInS) && expiresInS > 0
            ? expiresInS * 1000 - 60_000
            : Number.POSITIVE_INFINITY;
        cached = { value, until: now() + lifetimeMs };
      }
      return { headers: { Authorization: cached.value }, bodyFields: {} };
    },
    invalidate: () => {
      cached = undefined;
    },
  };
}

export function withQuery(url: string, parameters: Json | undefined): string {
  const target = new URL(url);
  for (const [key, value] of Object.entries(parameters ?? {})) target.searchParams.set(key, String(value));
  return target.toString();
}
