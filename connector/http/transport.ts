import http from 'http';
import https from 'https';
import { ACCEPT_ENCODING, decodeBody } from './body-encoding';
import { ApiRequest, ApiResponse, NetworkError, Send } from './types';

export interface TransportOptions {
  /** Abandon an attempt that has not delivered its whole body in this time. */
  timeoutMs: number;
  /** Sockets kept open per host; match the number of requests in flight. */
  maxSockets: number;
}

const HEADERS = { accept: 'application/json', 'accept-encoding': ACCEPT_ENCODING, 'user-agent': 'source-inventory-analytics' };

/**
 * The innermost Send: one HTTP GET over keep-alive sockets, with Node's own
 * http/https client. Anything that goes wrong below HTTP (refused, reset,
 * timeout, a body cut short) becomes a NetworkError; HTTP statuses are
 * returned, not thrown.
 *
 * The response is read from the IncomingMessage itself so that a body cut
 * short is seen the moment its connection closes, whether it was announced by
 * Content-Length or sent chunked. (node-fetch 2 pipes the message into a
 * stream that never hears of the close, so a cut Content-Length body waited
 * for the whole request timeout.)
 */
export function createTransport(opts: TransportOptions): { send: Send; close(): void } {
  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets }),
    https: new https.Agent({ keepAlive: true, maxSockets: opts.maxSockets }),
  };
  const send: Send = (req: ApiRequest): Promise<ApiResponse> => {
    const url = new URL(req.url);
    const agent = url.protocol === 'https:' ? agents.https : agents.http;
    return get(url, agent, opts.timeoutMs, req.signal);
  };
  return {
    send,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** One GET: resolves with the whole body, or rejects as soon as the attempt has failed. */
function get(url: URL, agent: http.Agent, timeoutMs: number, outer: AbortSignal | undefined): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    if (outer?.aborted) return reject(outer.reason);
    const request = (url.protocol === 'https:' ? https : http).request(url, { method: 'GET', agent, headers: HEADERS });
    let settled = false;
    const settle = (err: unknown, res?: ApiResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
      if (res) return resolve(res);
      request.destroy(); // never hand a socket in an unknown state back to the pool
      reject(err);
    };
    const timer = setTimeout(() => settle(new NetworkError(`no complete answer within ${timeoutMs / 1000} s`, 'TIMEOUT')), timeoutMs);
    const onAbort = (): void => settle(outer?.reason);
    outer?.addEventListener('abort', onAbort, { once: true });

    request.on('error', (err) => settle(networkError(err)));
    request.on('response', (res) => {
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
          (body) => settle(undefined, { status: res.statusCode ?? 0, headers: headerReader(res.headers), body }),
          () => settle(new NetworkError('the response body could not be decompressed', 'EBADBODY')),
        );
      });
    });
    request.end();
  });
}

function headerReader(headers: http.IncomingHttpHeaders): ApiResponse['headers'] {
  return {
    get(name: string): string | null {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

function networkError(err: unknown): NetworkError {
  const e = err as { code?: string; message?: string };
  const code = e.code ?? 'NETWORK';
  return new NetworkError(describeNetworkError(code, e.message ?? String(err)), code);
}

function describeNetworkError(code: string, message: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset by the server';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name could not be resolved';
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return 'connection closed before the response was complete';
    default:
      return message;
  }
}
