/**
 * Issue 16, point 5, "discover changes its mind": two discovers of one account
 * whose samples differ the way samples do must type every new field the same.
 * One server over real sockets (helpers/raw-json-server.ts), two states of its
 * data; between them:
 *
 * - a numeric field is whole in one sample and has a fraction in the other;
 * - a nested object has one more key in one sample;
 * - an array holds other elements;
 * - a 64-bit id field holds other ids (all beyond 2^53).
 *
 * The schemas of those fields must be identical, and what the README says
 * they are.
 */
import { RawJsonServer, startRawJsonServer } from './helpers/raw-json-server';
import { collectingRunner, warnings } from './helpers/reliability';
import { Message } from './helpers/run-connector';

const KEY = 'stable-discover-key-42ab';
const COUNT = 250; // discover samples offset 0 and the newest 100: both ends differ between the states

function item(i: number, extra: string): string {
  const at = `2024-04-01T08:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`;
  return `{"id":"itm_${i}","sku":"S-${i}","name":"n","description":null,"category":null,"unit_of_measure":"each","unit_price":1.5,"currency":"EUR","is_active":true,"tags":[],"created_at":"${at}","updated_at":"${at}",${extra}}`;
}

/** Sample A: whole numbers, a two-key object, an array of whole numbers, ids. */
const stateA = Array.from({ length: COUNT }, (_, i) =>
  item(i, `"score":${i},"dims":{"w":${i},"h":2},"parts":[1,2],"ext_id":${18446744073709551000n + BigInt(i)},"seen_at":"2025-01-01T00:00:00Z"`),
);
/** Sample B: the same fields, as another sample of the same account shows them. */
const stateB = Array.from({ length: COUNT }, (_, i) =>
  item(
    i,
    `"score":${i % 2 ? i + 0.5 : i},"dims":{"w":${i},"h":2.5,"d":{"deep":true}},"parts":[1.5,"x",{"a":1}],"ext_id":${9223372036854775000n + BigInt(i)},"seen_at":"2025-01-01T00:00:00.5Z"`,
  ),
);
const FIELDS = ['score', 'dims', 'parts', 'ext_id', 'seen_at'];

const { run, leaks } = collectingRunner();
let server: RawJsonServer;
const config = () => ({ api_key: KEY, base_url: server.url, retry_initial_delay_seconds: 0.05, max_retry_seconds: 3, request_timeout_seconds: 5 });

beforeAll(async () => {
  server = await startRawJsonServer({ apiKey: KEY, records: { stock_summaries: [], customers: [], stock_details: [], inventory: [], orders: [], items: stateA } });
});
afterAll(() => server.close());
afterAll(() => expect(leaks()).toEqual([]));

async function discoverItems(): Promise<Record<string, Message>> {
  const r = await run(['discover'], { config: config() });
  expect(r.code).toBe(0);
  expect(warnings(r)).toEqual([]);
  const items = (r.ofType('CATALOG')[0].catalog.streams as Message[]).find((s) => s.name === 'items')!;
  const props = items.json_schema.properties as Record<string, Message>;
  return Object.fromEntries(FIELDS.map((f) => [f, props[f]]));
}

describe('discover: the same schema for a field, whatever sample it comes from', () => {
  let a: Record<string, Message>;
  let b: Record<string, Message>;
  beforeAll(async () => {
    server.setRecords('items', stateA);
    a = await discoverItems();
    server.setRecords('items', stateB);
    b = await discoverItems();
  });

  test('every new field gets an identical schema from both samples (both discovers read both ends of the list)', () => {
    const offsets = server
      .requests()
      .filter((q) => q.path === '/v1/items')
      .map((q) => q.query.offset);
    expect(offsets.sort()).toEqual(['0', '0', '150', '150']);
    for (const field of FIELDS) expect({ field, schema: b[field] }).toEqual({ field, schema: a[field] });
  });

  test('and they are what the README says: number, object and array without detail, integer for 64-bit ids, date-time', () => {
    const described = 'Not in the API contract: type inferred by discover from sampled records.';
    expect(a).toEqual({
      score: { type: ['null', 'number'], description: described },
      dims: { type: ['null', 'object'], description: described },
      parts: { type: ['null', 'array'], description: described },
      ext_id: { type: ['null', 'integer'], description: described },
      seen_at: { type: ['null', 'string'], format: 'date-time', description: described },
    });
  });
});
