import { ConnectorError, transientError } from '../protocol/errors';
import { STREAMS } from '../streams/definitions';
import { PageSource, probeStreams } from './probe';

const URL = 'http://api.test';
const withStatus = (e: ConnectorError, status: number) => Object.assign(e, { status });
const forbidden = () => withStatus(new ConnectorError('not entitled (HTTP 403)', 'config_error', 'HTTP 403', 'stream'), 403);
const rejected = () => withStatus(new ConnectorError('rejected (HTTP 401)', 'config_error', 'HTTP 401', 'sync'), 401);
const exhausted = (e: ConnectorError['exhausted']) => Object.assign(transientError('gave up'), { exhausted: e });

/** A stub API answering per path; records the requests. */
function stub(answer: (path: string) => Error | undefined) {
  const calls: Array<{ path: string; params: Record<string, unknown> }> = [];
  const client: PageSource = {
    getJson: async (_stream, path, params) => {
      calls.push({ path, params });
      const err = answer(path);
      if (err) throw err;
      return { body: { total: 1, data: [{ id: 'x' }] }, label: `GET ${path}` };
    },
  };
  return { client, calls };
}

describe('probeStreams', () => {
  test('one limit=1 request per stream; each readable or not, with why', async () => {
    const { client, calls } = stub((p) => (p === '/v1/orders' || p === '/v1/items' ? forbidden() : undefined));
    const access = await probeStreams(client, STREAMS, URL);
    expect(calls.map((c) => c.params)).toEqual(STREAMS.map(() => ({ limit: 1 })));
    expect(calls.map((c) => c.path).sort()).toEqual(STREAMS.map((s) => s.path).sort());
    expect(access.map((a) => [a.stream, a.readable, a.readable ? undefined : a.failure.kind])).toEqual(
      STREAMS.map((s) => [s.name, !['orders', 'items'].includes(s.name), ['orders', 'items'].includes(s.name) ? 'forbidden' : undefined]),
    );
  });

  test.each([
    ['a rejected key (401)', rejected, 'key_rejected'],
    ['a rate limit that outlasts the budget', () => exhausted({ status: 429, attempts: 1, retryAfterMs: 30_000 }), 'rate_limited'],
    ['no answer', () => exhausted({ networkCode: 'ECONNREFUSED', attempts: 3 }), 'unreachable'],
    ['a redirect (base_url moved)', () => withStatus(new ConnectorError('The API at http://api.test redirects to https://api.test/v1/x (HTTP 301)', 'config_error', 'HTTP 301', 'sync'), 301), 'redirected'],
  ] as const)('%s on the first stream: the others are not asked, and get the same answer', async (_name, error, kind) => {
    const { client, calls } = stub(error);
    const access = await probeStreams(client, STREAMS, URL);
    expect(calls).toHaveLength(1);
    expect(access.map((a) => (a.readable ? 'readable' : a.failure.kind))).toEqual(STREAMS.map(() => kind));
  });

  test('a failure of one stream only (5xx, 403) does not stop the others', async () => {
    const { client, calls } = stub((p) => (p === STREAMS[0].path ? exhausted({ status: 503, attempts: 3 }) : undefined));
    const access = await probeStreams(client, STREAMS, URL);
    expect(calls).toHaveLength(STREAMS.length);
    expect(access.filter((a) => a.readable)).toHaveLength(STREAMS.length - 1);
  });

  test('a request pending when the signal aborts counts as no answer', async () => {
    const abort = new AbortController();
    const client: PageSource = {
      getJson: (_s, _p, _q, opts) => new Promise((_resolve, reject) => opts!.signal!.addEventListener('abort', () => reject(opts!.signal!.reason))),
    };
    const pending = probeStreams(client, STREAMS.slice(0, 2), URL, abort.signal);
    abort.abort(new Error('deadline'));
    const access = await pending;
    expect(access.map((a) => !a.readable && a.failure)).toEqual([
      { kind: 'unreachable', reason: `the API at ${URL} did not answer in time` },
      { kind: 'unreachable', reason: `the API at ${URL} did not answer in time` },
    ]);
  });
});
