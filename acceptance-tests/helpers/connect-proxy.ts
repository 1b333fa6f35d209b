/**
 * A forward proxy on 127.0.0.1 for the proxy scenarios, like a corporate one:
 * it demands Basic credentials (407 otherwise), opens CONNECT tunnels for
 * https URLs and forwards absolute-form requests for http URLs, and records
 * every tunnel and request it saw. It only ever connects to 127.0.0.1 (403 for
 * any other target).
 */
import http from 'http';
import net from 'net';

export interface ProxyVisit {
  /** 'CONNECT' for a tunnel, else the method of an absolute-form request. */
  method: string;
  /** host:port of a tunnel, or the absolute URL of a request (query included). */
  target: string;
  /** The status the proxy answered: 200 tunnel opened, 407 credentials refused, 403 target not allowed, 502 unreachable. */
  status: number;
}

export interface TestProxy {
  port: number;
  /** The proxy URL with these credentials (percent-encoded), e.g. for HTTPS_PROXY. */
  url(username?: string, password?: string): string;
  visits: ProxyVisit[];
  /** Tunnels opened (CONNECT answered 200). */
  tunnels(): ProxyVisit[];
  close(): Promise<void>;
}

export async function startConnectProxy(credentials: { username: string; password: string }): Promise<TestProxy> {
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const visits: ProxyVisit[] = [];
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const authorized = (req: http.IncomingMessage) => req.headers['proxy-authorization'] === expected;

  const server = http.createServer((req, res) => {
    // Absolute-form request for an http URL.
    const target = req.url ?? '';
    const visit = (status: number) => visits.push({ method: req.method ?? 'GET', target, status });
    if (!authorized(req)) {
      visit(407);
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="test proxy"', 'Content-Length': '0' }).end();
      return;
    }
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      visit(400);
      res.writeHead(400, { 'Content-Length': '0' }).end();
      return;
    }
    if (url.hostname !== '127.0.0.1') {
      visit(403);
      res.writeHead(403, { 'Content-Length': '0' }).end();
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request(url, { method: req.method, headers, agent: false }, (up) => {
      visit(up.statusCode ?? 0);
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
      up.on('error', () => res.destroy());
    });
    upstream.on('error', () => {
      visit(502);
      if (!res.headersSent) res.writeHead(502, { 'Content-Length': '0' }).end();
      else res.destroy();
    });
    upstream.end();
  });

  server.on('connection', track);
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    const answer = (status: number, text: string, extra = '') => {
      visits.push({ method: 'CONNECT', target, status });
      client.end(`HTTP/1.1 ${status} ${text}\r\n${extra}Content-Length: 0\r\n\r\n`);
    };
    if (!authorized(req)) return answer(407, 'Proxy Authentication Required', 'Proxy-Authenticate: Basic realm="test proxy"\r\n');
    const m = /^127\.0\.0\.1:(\d+)$/.exec(target);
    if (!m) return answer(403, 'Forbidden');
    const upstream = net.connect(Number(m[1]), '127.0.0.1');
    track(upstream);
    let open = false;
    upstream.once('error', () => (open ? client.destroy() : answer(502, 'Bad Gateway')));
    upstream.once('connect', () => {
      open = true;
      visits.push({ method: 'CONNECT', target, status: 200 });
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => open && client.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: (username, password) =>
      username === undefined ? `http://127.0.0.1:${port}` : `http://${encodeURIComponent(username)}:${encodeURIComponent(password ?? '')}@127.0.0.1:${port}`,
    visits,
    tunnels: () => visits.filter((v) => v.method === 'CONNECT' && v.status === 200),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
