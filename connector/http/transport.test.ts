import http from 'http';
import type { AddressInfo, Socket } from 'net';
import { createTransport } from './transport';
import { ApiRequest, HeldBack, NetworkError, ResponseHead } from './types';

/** A server on 127.0.0.1 that answers with `answer` and counts the requests it received. */
async function server(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const srv = http.createServer({ keepAlive: true }, (req, res) => {
    received.push(req.url ?? '');
    answer(req, res);
  });
  srv.on('connection', (s: Socket) => sockets.add(s));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      srv.close(() => r());
    });
  return { url, received, close };
}

/** A transport over one keep-alive agent of `maxSockets`, straight to the server (no proxy variables read). */
function transportOf(maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  return createTransport({ timeoutMs: 5_000, router: { route: () => ({ agent }), close: () => agent.destroy() } });
}

const request = (url: string, extra: Partial<ApiRequest> = {}): ApiRequest => ({ url, label: 'GET /v1/items', ...extra });

describe('transport', () => {
  test('the head of an answer cut short reaches onHead at once, and the NetworkError carries it', async () => {
    const s = await server((_req, res) => {
      res.writeHead(429, { 'Retry-After': '3', 'Content-Length': '100', 'Content-Type': 'application/json' });
      res.write('{"error":', () => res.socket?.destroy());
    });
    const t = transportOf(2);
    try {
      const heads: ResponseHead[] = [];
      const err = await t.send(request(`${s.url}/v1/items`, { onHead: (h) => heads.push(h) })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect((err as NetworkError).code).toBe('ERR_STREAM_PREMATURE_CLOSE');
      expect(heads.map((h) => [h.status, h.headers.get('retry-after')])).toEqual([[429, '3']]);
      expect((err as NetworkError).head).toBe(heads[0]);
    } finally {
      t.close();
      await s.close();
    }
  });

  test('a request that may not be written when its connection is ready sends nothing and fails with HeldBack', async () => {
    const s = await server((_req, res) => res.end('{}'));
    const t = transportOf(2);
    try {
      await expect(t.send(request(`${s.url}/v1/items`, { mayWrite: () => false }))).rejects.toBeInstanceOf(HeldBack);
      expect(s.received).toEqual([]);
      const ok = await t.send(request(`${s.url}/v1/items`, { mayWrite: () => true }));
      expect([ok.status, ok.body, s.received.length]).toEqual([200, '{}', 1]);
    } finally {
      t.close();
      await s.close();
    }
  });

  test('a request queued for the only socket is asked when that socket is handed over, after the head of the answer that freed it', async () => {
    const s = await server((req, res) => {
      if (req.url === '/v1/first') res.writeHead(429, { 'Retry-After': '30' }).end('{}');
      else res.end('{}');
    });
    const t = transportOf(1);
    try {
      let waitAsked = false;
      const order: string[] = [];
      const first = t.send(
        request(`${s.url}/v1/first`, {
          onHead: (h) => {
            order.push('head of first');
            waitAsked = h.headers.get('retry-after') !== null;
          },
        }),
      );
      const second = t.send(
        request(`${s.url}/v1/second`, {
          mayWrite: () => {
            order.push('second may write?');
            return !waitAsked;
          },
        }),
      );
      expect((await first).status).toBe(429);
      await expect(second).rejects.toBeInstanceOf(HeldBack);
      expect(order).toEqual(['head of first', 'second may write?']);
      expect(s.received).toEqual(['/v1/first']);
    } finally {
      t.close();
      await s.close();
    }
  });
});
