import http from 'http';
import https from 'https';
import type { Socket } from 'net';
import { TLSSocket } from 'tls';
import { ACCEPT_ENCODING, decodeBody } from './body-encoding';
import { classifyNetworkError, proxyAnswerFailure } from './network-failures';
import type { Route, Router } from './proxy';
import { ApiRequest, ApiResponse, HeaderReader, HeldBack, NetworkError, ResponseHead, Send } from './types';

export interface TransportOptions {
  /** Abandon an attempt that has not delivered its whole body in this time. */
  timeoutMs: number;
  /** Picks each request's agent: direct, or through the proxy the environment names (proxy.ts). */
  router: Router;
}

const HEADERS = { accept: 'application/json', 'accept-encoding': ACCEPT_ENCODING, 'user-agent': 'source-inventory-analytics' };

/**
 * The innermost Send: one HTTP GET over the router's keep-alive agents, with
 * Node's own http/https client. Anything that goes wrong below HTTP (refused,
 * reset, timeout, a body cut short) becomes a NetworkError, or a
 * NetworkSetupError when no retry can help (network-failures.ts); HTTP
 * statuses are returned, not thrown, except the proxy's own refusals.
 *
 * The response is read from the IncomingMessage itself so that a body cut
 * short is seen the moment its connection closes, whether it was announced by
 * Content-Length or sent chunked. (node-fetch 2 pipes the message into a
 * stream that never hears of the close, so a cut Content-Length body waited
 * for the whole request timeout.)
 */
export function createTransport(opts: TransportOptions): { send: Send; close(): void } {
  const send: Send = async (req: ApiRequest): Promise<ApiResponse> => {
    const url = new URL(req.url);
    // A probe may ask for less time than the client's timeout, never more.
    return get(url, opts.router.route(url), Math.min(req.timeoutMs ?? Infinity, opts.timeoutMs), req);
  };
  return { send, close: () => opts.router.close() };
}

/**
 * One GET: resolves with the whole body, or rejects as soon as the attempt has failed.
 *
 * Nothing is written until the connection that will carry the request is
 * ready (a pooled socket handed over, or a new one connected and, over TLS,
 * through its handshake), and then only if `req.mayWrite` allows: a request
 * that waited for a socket while another request's answer asked for a wait
 * is not written inside it (HeldBack). The answer's head is handed to
 * `req.onHead` the moment it arrives, before the body, and before its
 * connection can carry another request.
 */
function get(url: URL, route: Route, timeoutMs: number, req: ApiRequest): Promise<ApiResponse> {
  const outer = req.signal;
  return new Promise((resolve, reject) => {
    if (outer?.aborted) return reject(outer.reason);
    const request = (url.protocol === 'https:' ? https : http).request(url, { method: 'GET', agent: route.agent, headers: HEADERS });
    let settled = false;
    let head: ResponseHead | undefined;
    const settle = (err: unknown, res?: ApiResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
      if (res) return resolve(res);
      request.destroy(); // never hand a socket in an unknown state back to the pool
      if (err instanceof NetworkError && head) err.head = head;
      reject(err);
    };
    const timer = setTimeout(() => settle(new NetworkError(`no complete answer within ${timeoutMs / 1000} s`, 'TIMEOUT')), timeoutMs);
    const onAbort = (): void => settle(outer?.reason);
    outer?.addEventListener('abort', onAbort, { once: true });

    const write = (): void => {
      if (settled) return;
      if (req.mayWrite && !req.mayWrite()) return settle(new HeldBack());
      request.end();
    };
    request.on('socket', (socket: Socket) => {
      // A pooled socket is ready at once; a new one once it is connected (over TLS: once the handshake is done).
      if (socket.connecting) socket.once(socket instanceof TLSSocket ? 'secureConnect' : 'connect', write);
      else write();
    });
    // https-proxy-agent reports the proxy's answer to CONNECT; when it is not 200, the response is the proxy's.
    let tunnelStatus: number | undefined;
    request.on('proxyConnect', (connect: { statusCode: number }) => (tunnelStatus = connect.statusCode));
    request.on('error', (err) => settle(classifyNetworkError(err, url, route.proxy)));
    request.on('response', (res) => {
      const refused = proxyAnswerFailure(route.proxy, res.statusCode ?? 0, tunnelStatus, url);
      if (refused) return settle(refused);
      head = { status: res.statusCode ?? 0, headers: headerReader(res.headers), receivedAt: Date.now() };
      const answer = head;
      req.onHead?.(answer);
      const chunks: Buffer[] = [];
      const cut = (): void => settle(new NetworkError('connection closed before the response was complete', 'ERR_STREAM_PREMATURE_CLOSE'));
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      // Node destroys a response whose socket closed before Content-Length bytes or the last chunk arrived.
      res.on('error', cut);
      res.on('close', () => {
        if (!res.complete) cut();
      });
      res.on('end', () => {
        if (!res.complete) return cut();
        decodeBody(Buffer.concat(chunks), res.headers['content-encoding']).then(
          (body) => settle(undefined, { ...answer, body }),
          () => settle(new NetworkError('the response body could not be decompressed', 'EBADBODY')),
        );
      });
    });
  });
}

function headerReader(headers: http.IncomingHttpHeaders): HeaderReader {
  return {
    get(name: string): string | null {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}
