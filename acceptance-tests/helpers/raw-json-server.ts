import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { parse as micros } from '../contract-server/stamps';
import { leaves } from './raw-json';

/**
 * A small server of the API contract whose records are JSON text, written out
 * byte for byte as the test gives them: a number stays the lexeme the test
 * wrote (18446744073709551000, 1E-400, 1234567.1234567890123450), which the
 * simulator, building records as JavaScript objects, cannot do.
 *
 * It honours what the connector relies on (../shared/vendor-api/openapi.yaml):
 * `api_key` (401 otherwise), `offset`/`limit` (default 100, at most 100),
 * `{total, offset, limit, data}` pages, and for every resource but
 * stock_summaries the `updated_since` (inclusive) / `updated_before`
 * (exclusive) filters and the (updated_at, id) order; stock_summaries is
 * served in the order given and refuses time filters (400). Timestamps are
 * compared in microseconds (contract-server/stamps.ts reads them). Records can be replaced between runs (`setRecords`).
 * Every request is logged (without the key).
 */
export interface RawJsonServer {
  url: string;
  /** Replaces the records of a resource: one JSON object text per record. */
  setRecords(resource: string, records: readonly string[]): void;
  /** Requests served so far: path and query without api_key. */
  requests(): Array<{ path: string; query: Record<string, string>; status: number }>;
  close(): Promise<void>;
}

interface Held {
  text: string;
  id: string;
  updatedAt?: bigint;
}

function hold(resource: string, text: string): Held {
  const top = leaves(text).filter((l) => l.path.split('/').length === 2);
  const id = top.find((l) => l.path === '/id');
  if (!id || (id.kind !== 'string' && id.kind !== 'number')) throw new Error(`raw-json-server: a ${resource} record without an id: ${text.slice(0, 80)}`);
  const held: Held = { text, id: id.kind === 'string' ? id.value : id.lexeme };
  if (resource !== 'stock_summaries') {
    const at = top.find((l) => l.path === '/updated_at');
    held.updatedAt = at?.kind === 'string' ? micros(at.value) : undefined;
    if (held.updatedAt === undefined) throw new Error(`raw-json-server: a ${resource} record without a UTC updated_at: ${text.slice(0, 80)}`);
  }
  return held;
}

export async function startRawJsonServer(opts: { apiKey: string; records?: Record<string, readonly string[]> }): Promise<RawJsonServer> {
  const resources = new Map<string, Held[]>();
  const log: Array<{ path: string; query: Record<string, string>; status: number }> = [];
  const setRecords = (resource: string, records: readonly string[]) => {
    const held = records.map((t) => hold(resource, t));
    if (resource !== 'stock_summaries') {
      held.sort((a, b) => (a.updatedAt! < b.updatedAt! ? -1 : a.updatedAt! > b.updatedAt! ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    }
    resources.set(resource, held);
  };
  for (const [resource, records] of Object.entries(opts.records ?? {})) setRecords(resource, records);

  const answer = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
  const error = (code: string, message: string) => JSON.stringify({ error: { code, message } });

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'api_key'));
    const send = (status: number, body: string) => {
      log.push({ path: url.pathname, query, status });
      answer(res, status, body);
    };
    const name = /^\/v1\/([a-z_]+)$/.exec(url.pathname)?.[1];
    const list = name === undefined ? undefined : resources.get(name);
    if (req.method !== 'GET' || !list) return send(404, error('not_found', 'no such resource'));
    if (url.searchParams.get('api_key') !== opts.apiKey) return send(401, error('unauthorized', 'unknown api_key'));
    const offset = Number(url.searchParams.get('offset') ?? '0');
    const limit = Number(url.searchParams.get('limit') ?? '100');
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > 100) return send(400, error('bad_request', 'offset/limit'));
    const since = url.searchParams.get('updated_since');
    const before = url.searchParams.get('updated_before');
    if (name === 'stock_summaries' && (since !== null || before !== null)) return send(400, error('bad_request', 'stock_summaries takes no time filters'));
    const sinceUs = since === null ? undefined : micros(since);
    const beforeUs = before === null ? undefined : micros(before);
    if ((since !== null && sinceUs === undefined) || (before !== null && beforeUs === undefined)) return send(400, error('bad_request', 'malformed timestamp'));
    const matching = list.filter((r) => (sinceUs === undefined || r.updatedAt! >= sinceUs) && (beforeUs === undefined || r.updatedAt! < beforeUs));
    const data = matching.slice(offset, offset + limit).map((r) => r.text);
    send(200, `{"total":${matching.length},"offset":${offset},"limit":${limit},"data":[${data.join(',')}]}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setRecords,
    requests: () => [...log],
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
