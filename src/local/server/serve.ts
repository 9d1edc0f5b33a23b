import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { localDevToken } from '../dev-credential.js';
import { HttpError, type RouteHandler, type Router, sendError } from './http.js';
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

function dispatch(router: Router, log: (line: string) => void) {
  return async (request: IncomingMessage, response: ServerResponse) => {
    try {
      if (!(await router.handle(request, response))) {
        throw new HttpError(404, 'NotFound', `no route for ${request.method} ${request.url?.split('?')[0]}`);
      }
    } catch (error) {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof HttpError) {
        // The unread rest of an over-size body would be parsed as the next request on a kept-alive
        // connection, so the connection ends with this answer.
        if (error.status === 413) response.setHeader('connection', 'close');
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

/** Listens on loopback only: the local SOC holds sample data and a dev token, never for the network. */
export async function listen(
  router: Router,
  port: number,
  log: (line: string) => void,
  tls?: TlsMaterial,
): Promise<{ server: Server; port: number }> {
  const handler = dispatch(router, log);
  const server = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
