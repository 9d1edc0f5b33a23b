import type { TokenCredential } from '@azure/core-auth';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  defaultRetryPolicy,
  type HttpClient,
  type Pipeline,
  type PipelinePolicy,
} from '@azure/core-rest-pipeline';

/** Retry knobs; the defaults follow the Azure SDK guidelines (3 retries, 1 s exponential base). */
export interface RetryOptions {
  maxRetries?: number;
  retryDelayInMs?: number;
  maxRetryDelayInMs?: number;
}

export interface RestClientOptions {
  /** Service root, e.g. https://management.azure.com or a local stand-in such as http://127.0.0.1:7071. */
  baseUrl: string;
  /** Omit only for endpoints that carry their own secret in the URL (Teams webhooks). */
  credential?: TokenCredential;
  /** OAuth scope for the credential, e.g. https://graph.microsoft.com/.default */
  scope?: string;
  /** Service name used in errors ("Graph", "Defender", ...). */
  service: string;
  retry?: RetryOptions;
  httpClient?: HttpClient;
}

export interface RestRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Already-encoded path; build it with `encodePath`. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RestResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * A downstream call that did not succeed after the pipeline's retries. The message carries the service,
 * status and the service's error code only: response bodies may echo request data, and URLs may carry
 * secrets (webhook URLs do), so neither goes into messages that end up in logs or HTTP responses.
 */
export class DownstreamError extends Error {
  readonly service: string;
  readonly status: number | undefined;
  readonly code: string | undefined;

  constructor(service: string, status: number | undefined, code: string | undefined) {
    super(`${service} ${status ?? 'unreachable'}${code ? ` ${code}` : ''}`);
    this.name = 'DownstreamError';
    this.service = service;
    this.status = status;
    this.code = code;
  }

  /** Throttled or unavailable: worth retrying later, as opposed to a refusal (4xx). */
  get transient(): boolean {
    return this.status === undefined || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** Joins path segments, percent-encoding each one so entity values can never change the URL's shape. */
export function encodePath(...segments: string[]): string {
  return segments.map((segment) => `/${encodeURIComponent(segment)}`).join('');
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The SDK's bearer policy refuses plain http. The local SOC serves its stand-ins on loopback http, so for
 * loopback only we attach the token ourselves; any other http URL is refused like the SDK would.
 */
function loopbackBearerPolicy(credential: TokenCredential, scope: string): PipelinePolicy {
  return {
    name: 'loopbackBearerPolicy',
    async sendRequest(request, next) {
      if (!isLoopback(new URL(request.url))) {
        throw new Error('Bearer token authentication over http is only allowed for loopback endpoints.');
      }
      const token = await credential.getToken(scope);
      if (token) request.headers.set('authorization', `Bearer ${token.token}`);
      return next(request);
    },
  };
}

function errorCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code.slice(0, 100) : undefined;
  }
  return undefined;
}

/** Where a Microsoft API client sends its requests, and as whom. */
export interface ServiceClientOptions {
  /** The API's root; default the public cloud's. A sovereign cloud's root or a local stand-in otherwise. */
  endpoint?: string;
  credential: TokenCredential;
  retry?: RetryOptions;
  /** Token audience (app ID URI); default derived from `endpoint` (see `audienceOf`). */
  audience?: string;
}

function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * The token audience for an API reached at `endpoint`. Microsoft's APIs are their own app ID URI in every
 * cloud (Graph https://graph.microsoft.us, ARM https://management.usgovcloudapi.net, Log Analytics
 * https://api.loganalytics.us, ...: "National cloud deployments", learn.microsoft.com/graph/deployments), so
 * the endpoint's origin is the audience; `aliases` maps hosts that answer for a public root under another
 * name (regional endpoints). Local stand-ins on loopback take the public root.
 */
export function audienceOf(
  endpoint: string | undefined,
  publicRoot: string,
  aliases: (host: string) => boolean = () => false,
): string {
  if (!endpoint) return publicRoot;
  const url = new URL(endpoint);
  return isLoopback(url) || aliases(url.hostname.toLowerCase()) ? publicRoot : url.origin;
}

/** A client for the API whose public-cloud root is `publicRoot`. */
export function serviceClient(
  service: string,
  publicRoot: string,
  options: ServiceClientOptions,
  aliases?: (host: string) => boolean,
): RestClient {
  return new RestClient({
    baseUrl: options.endpoint ?? publicRoot,
    credential: options.credential,
    scope: `${options.audience ?? audienceOf(options.endpoint, publicRoot, aliases)}/.default`,
    service,
    retry: options.retry,
  });
}

/** JSON over HTTP with retries (Retry-After honoured on 429/503, exponential back-off on 5xx/408). */
export class RestClient {
  readonly service: string;
  private readonly baseUrl: string;
  private readonly pipeline: Pipeline;
  private readonly httpClient: HttpClient;

  constructor(options: RestClientOptions) {
    this.service = options.service;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.httpClient = options.httpClient ?? createDefaultHttpClient();
    this.pipeline = createEmptyPipeline();
    this.pipeline.addPolicy(defaultRetryPolicy(options.retry), { phase: 'Retry' });
    if (options.credential) {
      if (!options.scope) throw new Error(`${options.service}: a credential needs a scope`);
      const secure = this.baseUrl.toLowerCase().startsWith('https://');
      this.pipeline.addPolicy(
        secure
          ? bearerTokenAuthenticationPolicy({ credential: options.credential, scopes: options.scope })
          : loopbackBearerPolicy(options.credential, options.scope),
        { phase: 'Sign' },
      );
    }
  }

  /** Sends a request; non-2xx after retries throws `DownstreamError` unless the status is in `accept`. */
  async send(request: RestRequest, accept: number[] = []): Promise<RestResponse> {
    // Built by hand: URLSearchParams writes spaces as '+', which OData $filter parsers do not all accept.
    const query = Object.entries(request.query ?? {})
      .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
      .join('&');
    const url = new URL(this.baseUrl + request.path);
    if (query) url.search = url.search ? `${url.search}&${query}` : `?${query}`;
    const headers = createHttpHeaders({ accept: 'application/json', ...request.headers });
    if (request.body !== undefined) headers.set('content-type', 'application/json');
    const pipelineRequest = createPipelineRequest({
      url: url.toString(),
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      allowInsecureConnection: url.protocol === 'http:',
    });
    let response: Awaited<ReturnType<Pipeline['sendRequest']>>;
    try {
      response = await this.pipeline.sendRequest(this.httpClient, pipelineRequest);
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      throw new DownstreamError(this.service, status, undefined);
    }
    const body = parseBody(response.bodyAsText);
    if ((response.status < 200 || response.status > 299) && !accept.includes(response.status)) {
      throw new DownstreamError(this.service, response.status, errorCode(body));
    }
    return { status: response.status, headers: response.headers.toJSON(), body };
  }
}

function parseBody(text: string | null | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
