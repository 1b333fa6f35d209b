/**
 * Issue 17, "Records reach the platform as the API wrote them": numbers a
 * JavaScript double cannot hold, in every position, from a server that writes
 * them as raw lexemes (helpers/raw-json-server.ts) over real sockets, through
 * `read` (full refresh and incremental, and again from the state) and
 * `discover`. Every value is compared on the RAW stdout line text, numbers as
 * exact decimal values (helpers/raw-json.ts: BigInt and string arithmetic),
 * never through JSON.parse into JavaScript numbers.
 *
 * Half of each list holds such numbers and half does not, so both the
 * connector's native path and its exact path are read.
 */
import { decimalKey, leaves, valueLeaves } from './helpers/raw-json';
import { RawJsonServer, startRawJsonServer } from './helpers/raw-json-server';
import { collectingRunner } from './helpers/reliability';
import { configuredCatalog, Message, RunResult } from './helpers/run-connector';

const KEY = 'exact-numbers-key-7c1d';
const ITEMS = 230;
const SUMMARIES = 150;
const BIG = 18446744073709551000n;

/** A string with escapes, a character outside the BMP written raw and escaped, and a line separator. */
const TEXT = String.raw`"tab\t quote\" backslash\\ \u00e9 \ud83d\ude00 😀 \u2028 \/ end"`;

/** An item as the API writes it; from index 100 on it carries the numbers of the issue, in every position. */
function item(i: number): string {
  const at = `2024-03-01T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.${String(i).padStart(6, '0')}Z`;
  const common = `"id":"itm_${i}","sku":"SKU-${i}","name":${TEXT},"description":null,"currency":"EUR","is_active":true,"tags":["a","𝄞"],"created_at":"2024-01-01T00:00:00Z","updated_at":"${at}"`;
  if (i < 100) return `{${common},"unit_price":2368.61,"ext_id":${i},"nested":{"big":-12.5,"deeper":{"list":[1,0.1,null]}},"fraction":7,"tiny":0}`;
  return (
    `{${common},"unit_price":1234567.1234567890123450,` +
    `"ext_id":${BIG + BigInt(i)},` +
    `"nested":{"big":-9223372036854775100,"deeper":{"list":[9007199254740993,1e400,0.1,1E-400,${i}]}},` +
    `"array":[18446744073709551000,{"x":-0.000000000000000000000000000001}],"plain":2368.61,"zero":-0,` +
    `"fraction":18446744073709551000.5,"tiny":1E-400}`
  );
}

/** A stock summary whose id is a number no double holds, as some APIs send ids. */
function summary(i: number): string {
  return `{"id":${BIG + BigInt(i)},"item_id":"itm_${i}","item_name":${TEXT},"total_on_hand":${i},"total_reserved":0,"total_available":${i},"total_value":12345678901234567890.5,"warehouse_count":1,"as_of":"2024-03-01T10:00:00Z"}`;
}

const items = Array.from({ length: ITEMS }, (_, i) => item(i));
const summaries = Array.from({ length: SUMMARIES }, (_, i) => summary(i));

const { run, leaks } = collectingRunner();
let server: RawJsonServer;
const config = () => ({ api_key: KEY, base_url: server.url, retry_initial_delay_seconds: 0.05, max_retry_seconds: 3, request_timeout_seconds: 5 });

beforeAll(async () => {
  const empty = { customers: [], stock_details: [], inventory: [], orders: [] };
  server = await startRawJsonServer({ apiKey: KEY, records: { ...empty, items, stock_summaries: summaries } });
});
afterAll(() => server.close());
afterAll(() => expect(leaks()).toEqual([]));

/** The RECORD lines of a run, raw: each as the leaves of its `data`, numbers by exact value, keyed by JSON pointer. */
function emittedRecords(r: RunResult, stream: string): Array<Map<string, string>> {
  const out: Array<Map<string, string>> = [];
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{"type":"RECORD"')) continue;
    const all = valueLeaves(line);
    if (!all.some(([p, v]) => p === '/record/stream' && v === `string ${JSON.stringify(stream)}`)) continue;
    out.push(new Map(all.filter(([p]) => p.startsWith('/record/data')).map(([p, v]) => [p.slice('/record/data'.length), v])));
  }
  return out;
}

const byId = (records: Array<Map<string, string>>) => new Map(records.map((r) => [r.get('/id')!, r]));
const sent = (texts: string[]) => byId(texts.map((t) => new Map(valueLeaves(t))));

/** Every record the server holds was emitted with every leaf equal in value; nothing else was emitted. */
function expectSameRecords(emitted: Array<Map<string, string>>, texts: string[], stream: string) {
  const want = sent(texts);
  const got = byId(emitted);
  expect({ stream, ids: [...got.keys()].sort() }).toEqual({ stream, ids: [...want.keys()].sort() });
  for (const [id, record] of want) {
    const actual = got.get(id)!;
    const diff = [...new Set([...record.keys(), ...actual.keys()])].filter((p) => record.get(p) !== actual.get(p));
    expect({ stream, id, diff: diff.map((p) => `${p}: sent ${record.get(p)}, emitted ${actual.get(p)}`) }).toEqual({ stream, id, diff: [] });
  }
}

const streamsOf = (r: RunResult): Message[] => r.ofType('CATALOG')[0].catalog.streams as Message[];

describe('numbers a double cannot hold, from a server that writes them as it pleases', () => {
  let discovered: Message[];
  beforeAll(async () => {
    const r = await run(['discover'], { config: config() });
    expect(r.code).toBe(0);
    discovered = streamsOf(r);
  });

  test('full refresh: every number of every record has the value the API sent, at any depth, declared or not; strings and nulls as sent', async () => {
    // the test data is what it claims: the raw lexemes are on the wire, and a double would change them
    for (const l of ['18446744073709551150', '-9223372036854775100', '9007199254740993', '1e400', '1E-400', '1234567.1234567890123450']) {
      expect(leaves(items[150]).some((leaf) => leaf.kind === 'number' && leaf.lexeme === l)).toBe(true);
      const written = JSON.stringify(JSON.parse(l));
      expect({ l, survives: written !== 'null' && decimalKey(written) === decimalKey(l) }).toEqual({ l, survives: false });
    }
    const r = await run(['read'], { config: config(), catalog: configuredCatalog(discovered, 'full_refresh', ['items', 'stock_summaries']) });
    expect(r.code).toBe(0);
    expect(r.errors()).toEqual([]);
    expectSameRecords(emittedRecords(r, 'items'), items, 'items');
    expectSameRecords(emittedRecords(r, 'stock_summaries'), summaries, 'stock_summaries');
  });

  test('a numeric id keeps its lexeme: every checkpoint names a record the API sent', async () => {
    const r = await run(['read'], { config: config(), catalog: configuredCatalog(discovered, 'full_refresh', ['stock_summaries']) });
    expect(r.code).toBe(0);
    const ids = r.states('stock_summaries').map((s) => s.stream.stream_state.full_refresh_in_progress?.id).filter((id) => id !== undefined);
    expect(ids.length).toBeGreaterThan(0);
    const lexemes = new Set(summaries.map((t) => (leaves(t).find((l) => l.path === '/id') as { lexeme: string }).lexeme));
    for (const id of ids) expect({ id, sent: lexemes.has(id) }).toEqual({ id, sent: true });
  });

  test('incremental, and incremental from a state in the middle of the list: the same values', async () => {
    const catalog = configuredCatalog(discovered, 'incremental', ['items']);
    const first = await run(['read'], { config: config(), catalog });
    expect(first.code).toBe(0);
    expectSameRecords(emittedRecords(first, 'items'), items, 'items');
    const cursor = (leaves(items[150]).find((l) => l.path === '/updated_at') as { value: string }).value;
    const state = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'items' }, stream_state: { updated_at: cursor } } }];
    const again = await run(['read'], { config: config(), catalog, state });
    expect(again.code).toBe(0);
    expectSameRecords(emittedRecords(again, 'items'), items.slice(150), 'items');
  });

  test('discover types such fields by their exact values: an integer beyond 2^53 is integer, a fraction or 1E-400 is number', () => {
    const props = discovered.find((s) => s.name === 'items')!.json_schema.properties;
    const described = 'Not in the API contract: type inferred by discover from sampled records.';
    const inferred = (type: string) => ({ type: ['null', type], description: described });
    expect({
      ext_id: props.ext_id,
      fraction: props.fraction,
      tiny: props.tiny,
      plain: props.plain,
      nested: props.nested,
      array: props.array,
      unit_price: props.unit_price,
    }).toEqual({
      ext_id: inferred('integer'),
      fraction: inferred('number'), // 18446744073709551000.5: a double makes it a whole number
      tiny: inferred('number'), // 1E-400: a double makes it 0
      plain: inferred('number'),
      nested: inferred('object'),
      array: inferred('array'),
      unit_price: { type: ['null', 'number'] }, // declared: as checked in
    });
  });
});
