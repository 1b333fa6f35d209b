import http from 'http';
import https from 'https';
import fetch from 'node-fetch';
import { ApiRequest, ApiResponse, NetworkError, Send } from './types';

export interface TransportOptions {
  /** Abandon an attempt that has not delivered its whole body in this time. */
  timeoutMs: number;
  /** Sockets kept open per host; match the number of requests in flight. */
  maxSockets: number;
}

/**
 * The innermost Send: one HTTP GET over keep-alive sockets with node-fetch.
 * Anything that goes wrong below HTTP (refused, reset, dropped mid-body,
 * timeout) becomes a NetworkError; HTTP statuses are returned, not thrown.
 */
export function createTransport(opts: TransportOptions): { send: Send; close(): void } {
  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets }),
    https: new https.Agent({ keepAlive: true, maxSockets: opts.maxSockets }),
  };
  const send: Send = async (req: ApiRequest): Promise<ApiResponse> => {
    const timeout = new AbortController();
    const timeoutMs = Math.min(req.timeoutMs ?? Infinity, opts.timeoutMs);
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const onOuterAbort = () => timeout.abort();
    req.signal?.addEventListener('abort', onOuterAbort, { once: true });
    try {
      const res = await fetch(req.url, {
        method: 'GET',
        headers: { accept: 'application/json', 'user-agent': 'source-inventory-analytics' },
        agent: (u) => (u.protocol === 'https:' ? agents.https : agents.http),
        signal: timeout.signal as never,
        compress: true,
      });
      const body = await res.text();
      return { status: res.status, headers: res.headers, body };
    } catch (err) {
      if (req.signal?.aborted) throw req.signal.reason ?? err;
      if (timeout.signal.aborted) {
        throw new NetworkError(`no complete answer within ${timeoutMs / 1000} s`, 'TIMEOUT');
      }
      const e = err as { code?: string; errno?: string; message?: string };
      const code = e.code ?? e.errno ?? 'NETWORK';
      throw new NetworkError(describeNetworkError(code, e.message ?? String(err)), code);
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onOuterAbort);
    }
  };
  return {
    send,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
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
      return message.replace(/^request to \S+ failed, reason: /, '');
  }
}
