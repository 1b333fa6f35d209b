/**
 * Issue 16, point 6, "A redirect says where it leads": a base_url that moved,
 * or an http:// URL redirected to https://, is a config_error that names
 * where the redirect leads (its Location resolved against the request, with
 * no query string, user info or anything else that could carry the key) and
 * which base_url to set. The connector never follows it: the server the
 * Location names receives nothing, not even a connection. check says it once;
 * in a read every stream fails with it.
 */
import http from 'http';
import type { AddressInfo, Socket } from 'net';
import { RESOURCES, Simulator, startSimulator } from '../simulator';
import { catalogOf, collectingRunner, fastConfig, warnings } from '../helpers/reliability';

const { run, leaks } = collectingRunner();
const LOCATION_PASSWORD = 'hunter2-location-secret';
afterAll(() => expect(leaks([LOCATION_PASSWORD])).toEqual([]));

interface Counting {
  url: string;
  port: number;
  connections: number;
  requests: string[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 answering every request with `answer`, counting connections and requests. */
async function counting(answer: (req: http.IncomingMessage, res: http.ServerResponse, port: number) => void): Promise<Counting> {
  const sockets = new Set<Socket>();
  const self: Counting = { url: '', port: 0, connections: 0, requests: [], close: async () => undefined };
  const server = http.createServer((req, res) => {
    self.requests.push(req.url ?? '');
    answer(req, res, self.port);
  });
  server.on('connection', (s: Socket) => {
    self.connections++;
    sockets.add(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  self.port = (server.address() as AddressInfo).port;
  self.url = `http://127.0.0.1:${self.port}`;
  self.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return self;
}

/** What a redirecting server sends, for a request of `url` (path and query, the key among them). */
type Redirect = { status: number; location: (url: string) => string };

let sim: Simulator;
/** Where every redirect below points: it must never hear from the connector. */
let target: Counting;
let redirecting: Counting;
let redirect: Redirect;

beforeAll(async () => {
  sim = await startSimulator({ counts: { stock_summaries: 5 } }); // for discover's catalog only
  target = await counting((_req, res) => res.end('{"total":0,"offset":0,"limit":100,"data":[]}'));
  redirecting = await counting((req, res) => {
    const location = redirect.location(req.url ?? '/');
    res.writeHead(redirect.status, { Location: location, 'Content-Type': 'text/html' });
    // Like many servers: the body repeats the Location, query string and key included.
    res.end(`<a href="${location}">Moved</a>`);
  });
});
afterAll(async () => {
  await Promise.all([sim.close(), target.close(), redirecting.close()]);
});
afterEach(() => {
  expect({ connections: target.connections, requests: target.requests }).toEqual({ connections: 0, requests: [] });
});

/** The Location's query string (our own key in it), user info and any api_key= are nowhere in `text`. */
function expectNothingOfTheLocationsSecrets(text: string, location: string): void {
  expect(text).not.toContain(`${location}?`);
  expect(text).not.toContain('api_key=');
  expect(text).not.toContain('ops:');
  expect(text).not.toContain('@127.0.0.1');
}

const httpsTarget = () => `https://127.0.0.1:${target.port}`;
const cases: Array<[string, Redirect, (first: string) => { location: string; baseUrl?: string }]> = [
  [
    'http:// redirected to https:// (301, path and query kept, the key among them)',
    { status: 301, location: (url) => `${httpsTarget()}${url}` },
    (first) => ({ location: `${httpsTarget()}/v1/${first}`, baseUrl: httpsTarget() }),
  ],
  [
    'a base_url that moved under a prefix (308, with user:password@ in the Location)',
    { status: 308, location: (url) => `http://ops:${LOCATION_PASSWORD}@127.0.0.1:${target.port}/inventory-api${url}` },
    (first) => ({ location: `http://127.0.0.1:${target.port}/inventory-api/v1/${first}`, baseUrl: `http://127.0.0.1:${target.port}/inventory-api` }),
  ],
  [
    'a redirect to a login page, relative (302)',
    { status: 302, location: (url) => `/login?next=${encodeURIComponent(url)}` },
    () => ({ location: `${redirecting.url}/login` }),
  ],
];

describe.each(cases)('%s', (_name, given, expected) => {
  beforeAll(() => {
    redirect = given;
  });

  test('check: FAILED, naming where it leads and the base_url to set, once; one request, never followed', async () => {
    const before = redirecting.requests.length;
    const result = await run(['check'], { config: fastConfig(redirecting) });
    expect(result.code).toBe(0);
    const statuses = result.ofType('CONNECTION_STATUS').map((m) => m.connectionStatus);
    expect(statuses.map((s) => s.status)).toEqual(['FAILED']);
    const message: string = statuses[0].message;
    const { location, baseUrl } = expected(RESOURCES[0]);
    if (baseUrl) {
      expect(message).toContain(`The API at ${redirecting.url} redirects to ${location} (HTTP ${given.status}): set base_url to ${baseUrl}.`);
    } else {
      expect(message).toContain(`The API at ${redirecting.url} redirects /v1/${RESOURCES[0]} to ${location} (HTTP ${given.status})`);
      expect(message).toContain('check base_url');
    }
    expect(message.split(location)).toHaveLength(2); // said once, not once per stream
    expectNothingOfTheLocationsSecrets(message, location);
    // The first stream's redirect condemns base_url for all: the other five are not asked.
    expect(redirecting.requests.length - before).toBe(1);
  });

  test('read: every stream INCOMPLETE with that config_error, exit non-zero, never followed', async () => {
    const catalog = await catalogOf(run, sim, RESOURCES, 'incremental');
    const result = await run(['read'], { config: fastConfig(redirecting), catalog });
    expect(result.code).not.toBe(0);
    expect(result.records()).toEqual([]);
    const { location, baseUrl } = expected(RESOURCES[0]);
    for (const r of RESOURCES) {
      expect([r, result.statuses(r).at(-1)]).toEqual([r, 'INCOMPLETE']);
      const errors = result.errors().filter((e) => e.stream_descriptor?.name === r);
      expect(errors.map((e) => e.failure_type)).toEqual(['config_error']);
      expect(errors[0].message).toContain(`redirects ${baseUrl ? '' : `/v1/${RESOURCES[0]} `}to ${location} (HTTP ${given.status})`);
      if (baseUrl) expect(errors[0].message).toContain(`set base_url to ${baseUrl}.`);
      expectNothingOfTheLocationsSecrets(`${errors[0].message} ${errors[0].internal_message ?? ''}`, location);
    }
  });

  test('discover: the checked-in schemas, and one WARN that says where the redirect leads', async () => {
    const result = await run(['discover'], { config: fastConfig(redirecting) });
    expect(result.code).toBe(0);
    expect(result.ofType('CATALOG')[0].catalog.streams.map((s: { name: string }) => s.name)).toEqual(RESOURCES);
    const about = warnings(result).filter((w) => /redirect/.test(w));
    expect(about).toHaveLength(1);
    expect(about[0]).toMatch(/redirects .*\(HTTP 30\d\)/);
    expectNothingOfTheLocationsSecrets(about[0], expected(RESOURCES[0]).location.replace(`/v1/${RESOURCES[0]}`, ''));
  });
});
