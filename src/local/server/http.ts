import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/** An error with the status code and Azure-style error code the client should see. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  params: Record<string, string>;
}

export type RouteHandler = (context: RouteContext) => Promise<void> | void;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

/**
 * Path patterns like `/v1/workspaces/:workspaceId/query`; matching is case-insensitive like ARM. A
 * trailing `*` matches the rest of the path, one or more segments, as the parameter `*`.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: RouteHandler): this {
    const names: string[] = [];
    const source = path
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace(/:(\w+)/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      })
      .replace(/\\\*$/, () => {
        names.push('*');
        return '(.+)';
      });
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`, 'i'), names, handler });
    return this;
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const url = requestUrl(request.url);
    for (const route of this.routes) {
      if (route.method !== request.method) continue;
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      const params = Object.fromEntries(
        route.names.map((name, i) => [name, decodePathSegment(match[i + 1])]),
      );
      await route.handler({ request, response, url, params });
      return true;
    }
    return false;
  }
}

/**
 * The request target as a URL. `//x` is a path here, not a protocol-relative URL naming host `x`
 * (new URL('//', base) throws), and anything unparsable is the caller's mistake: 400.
 */
function requestUrl(target = '/'): URL {
  try {
    return new URL(target.startsWith('/') ? `https://localhost${target}` : target);
  } catch {
    throw new HttpError(400, 'InvalidUrl', 'the request target is not a valid URL');
  }
}

/** A malformed escape such as `%E0%A4%A` is the caller's mistake: 400, as ARM answers a bad URL. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'InvalidUrl', 'the request path has a malformed percent-encoding');
  }
}

/**
 * Reads a body, limiting the bytes on the wire and, for `content-encoding: gzip`, the bytes after
 * decompression too: the limit is checked while inflating, so a small "zip bomb" costs at most
 * `limitBytes` of memory before it is refused.
 */
export async function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const tooLarge = () => new HttpError(413, 'ContentLengthLimitExceeded', `body exceeds ${limitBytes} bytes`);
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'gzip' && encoding !== 'identity') {
    throw new HttpError(415, 'UnsupportedMediaType', `content-encoding '${encoding}' is not supported`);
  }
  const gunzip = encoding === 'gzip' ? createGunzip() : undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  const keep = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limitBytes) throw tooLarge();
    chunks.push(chunk);
  };
  let wire = 0;
  const source = (async function* () {
    for await (const chunk of request) {
      wire += (chunk as Buffer).length;
      if (wire > limitBytes) throw tooLarge();
      yield chunk as Buffer;
    }
  })();
  if (!gunzip) {
    for await (const chunk of source) keep(chunk);
    return Buffer.concat(chunks);
  }
  try {
    await pipeline(source, gunzip, async (inflated: AsyncIterable<Buffer>) => {
      for await (const chunk of inflated) keep(chunk);
    });
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, 'InvalidContentEncoding', 'body is not valid gzip');
  }
  return Buffer.concat(chunks);
}

/** JSON only, as Azure's REST APIs: a `text/plain` body is what a cross-site form post sends. */
export function requireJsonContentType(request: IncomingMessage): void {
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, 'UnsupportedMediaType', "the content type must be 'application/json'");
  }
}

export async function readJson(request: IncomingMessage, limitBytes: number): Promise<unknown> {
  const body = await readBody(request, limitBytes);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new HttpError(400, 'InvalidJson', `body is not valid JSON: ${(error as Error).message}`);
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_, value) => (typeof value === 'bigint' ? value.toString() : value));
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(text);
}

/** The error body shape shared by ARM, Logs Query and Logs Ingestion: `{error: {code, message}}`. */
export function sendError(response: ServerResponse, error: HttpError): void {
  sendJson(response, error.status, { error: { code: error.code, message: error.message } });
}
