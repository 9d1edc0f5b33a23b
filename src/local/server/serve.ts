import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { localDevToken } from '../dev-credential.js';
import { HttpError, type RouteHandler, type Router, requireJsonContentType, sendError } from './http.js';
import type { TlsMaterial } from './tls.js';

/** Wraps a handler so it answers 401 unless the caller sends the local dev bearer token. */
export function requireBearer(handler: RouteHandler): RouteHandler {
  return (context) => {
    const header = context.request.headers.authorization ?? '';
    if (header !== `Bearer ${localDevToken}`) {
      throw new HttpError(
        401,
        'InvalidAuthenticationToken',
        'a bearer token for the local workspace is required',
      );
    }
    return handler(context);
  };
}

export interface ListenOptions {
  tls?: TlsMaterial;
  /**
   * For the browser-facing UI: every request other than GET/HEAD must be JSON and come from the page
   * itself (same `Origin`, `Sec-Fetch-Site: same-origin`), so another site open in the same browser
   * cannot close incidents or inject attacks with a form post or a no-cors fetch.
   */
  sameOriginWrites?: boolean;
}

// The UI needs scripts, styles and fetches from itself only; nothing may frame it (clickjacking).
const securityHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * The Host header must name the loopback address the server is bound to. A page on
 * `attacker.example` whose DNS name is re-pointed at 127.0.0.1 (DNS rebinding) sends its own name.
 */
function checkHost(request: IncomingMessage, port: number): string {
  const host = (request.headers.host ?? '').toLowerCase();
  if (![`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host)) {
    throw new HttpError(421, 'MisdirectedRequest', 'the Host header does not name this local server');
  }
  return host;
}

function checkSameOrigin(request: IncomingMessage, host: string): void {
  if (request.method === 'GET' || request.method === 'HEAD') return;
  const site = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  if (
    (site !== undefined && site !== 'same-origin') ||
    (origin !== undefined && origin !== `http://${host}`)
  ) {
    throw new HttpError(
      403,
      'CrossOriginRequestRefused',
      'changes are accepted from the local SOC page only',
    );
  }
  requireJsonContentType(request);
}

function dispatch(router: Router, log: (line: string) => void, port: () => number, options: ListenOptions) {
  return async (request: IncomingMessage, response: ServerResponse) => {
    try {
      for (const [name, value] of Object.entries(securityHeaders)) response.setHeader(name, value);
      const host = checkHost(request, port());
      if (options.sameOriginWrites) checkSameOrigin(request, host);
      if (!(await router.handle(request, response))) {
        throw new HttpError(404, 'NotFound', `no route for ${request.method} ${request.url?.split('?')[0]}`);
      }
    } catch (error) {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof HttpError) {
        // The unread rest of a refused body would be parsed as the next request on a kept-alive
        // connection, so the connection ends with this answer.
        if (!request.complete) response.setHeader('connection', 'close');
        sendError(response, error);
      } else {
        log(`internal error on ${request.method} ${request.url?.split('?')[0]}: ${(error as Error).stack}`);
        sendError(
          response,
          new HttpError(500, 'InternalServerError', 'internal error; see the local SOC log'),
        );
      }
    }
  };
}

/** A start-up failure the user can fix, said in one line (the port is taken, out of range...). */
export class ListenError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Listens on loopback only: the local SOC holds sample data and a dev token, never for the network. */
export async function listen(
  router: Router,
  port: number,
  log: (line: string) => void,
  options: ListenOptions = {},
): Promise<{ server: Server; port: number }> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ListenError(`port ${port} is not a TCP port (0-65535; 0 picks a free one)`);
  }
  let bound = port;
  const handler = dispatch(router, log, () => bound, options);
  const server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        reject(new ListenError(`port ${port} on 127.0.0.1 is already in use`, error.code));
      else if (error.code === 'EACCES')
        reject(new ListenError(`no permission to listen on port ${port}`, error.code));
      else reject(error);
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
  bound = (server.address() as AddressInfo).port;
  return { server, port: bound };
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
