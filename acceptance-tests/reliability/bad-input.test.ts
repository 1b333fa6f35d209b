/**
 * Issue 4, "Bad input": a broken config, catalog or state file ends the read
 * with one config_error TRACE that says what to fix, a non-zero exit, no
 * RECORD or STATE, nothing on stdout that is not a valid AirbyteMessage (the
 * runner checks every line) and no stack trace outside stack_trace. The API
 * is not called: everything is validated before anything is read.
 */
import { Simulator, startSimulator } from '../simulator';
import { catalogOf, collectingRunner, fastConfig, smallCounts, stackFramesOutsideStackTrace } from '../helpers/reliability';
import { Message, RunFiles, RunResult } from '../helpers/run-connector';

const { run, leaks } = collectingRunner();
let sim: Simulator;
let goodCatalog: Message;

beforeAll(async () => {
  sim = await startSimulator({ counts: smallCounts() });
  goodCatalog = await catalogOf(run, sim, ['items', 'stock_summaries']);
});
afterAll(() => sim.close());
afterAll(() => expect(leaks()).toEqual([]));

async function expectRejected(command: string[], files: RunFiles, says: RegExp): Promise<RunResult> {
  const requests = sim.stats().requests;
  const result = await run(command, files);
  expect(result.code).not.toBe(0);
  expect(result.code).not.toBeNull(); // exited, was not killed
  expect(result.records()).toEqual([]);
  expect(result.states()).toEqual([]);
  const errors = result.errors();
  expect(errors).toHaveLength(1);
  expect(errors[0].failure_type).toBe('config_error');
  expect(errors[0].message).toMatch(says);
  expect(stackFramesOutsideStackTrace(result)).toEqual([]);
  expect(result.stdout.endsWith('\n')).toBe(true); // whole lines only
  expect(sim.stats().requests).toBe(requests);
  return result;
}

const stateFor = (stream_state: unknown, name = 'items') => [{ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state } }];

describe('config', () => {
  test('missing file: names the file and says to pass an existing one', async () => {
    await expectRejected(['read', '--config', '/nonexistent/sia/config.json'], { catalog: goodCatalog }, /config.*\/nonexistent\/sia\/config\.json|ENOENT|exist/i);
  });

  test('not JSON', async () => {
    await expectRejected(['read'], { configText: '{"base_url": "http://127.0.0.1:1",', catalog: goodCatalog }, /config.*not valid JSON/i);
  });

  test('fails the spec: several violations reported at once', async () => {
    const config = { base_url: 'ftp://nowhere', requests_per_second: -1, burst: 'lots', max_concurrent_requests: 1000 };
    const result = await expectRejected(['read'], { config, catalog: goodCatalog }, /api_key/);
    const message = result.errors()[0].message as string;
    for (const field of ['api_key', 'base_url', 'requests_per_second', 'burst', 'max_concurrent_requests']) expect(message).toContain(field);
  });

  test.each(['2024-13-45T00:00:00Z', '2024-01-01', 'yesterday', '2024-02-30T00:00:00Z'])('malformed start_date %s: says what a valid one looks like', async (start_date) => {
    await expectRejected(['read'], { config: fastConfig(sim, { start_date }), catalog: goodCatalog }, /start_date.*(YYYY-MM-DD|RFC 3339|2024-01-01T00:00:00Z|date-time)/);
  });

  test('check with a config that fails the spec: one CONNECTION_STATUS FAILED naming the problem, exit 0', async () => {
    const result = await run(['check'], { config: fastConfig(sim, { burst: 0 }) });
    expect(result.code).toBe(0);
    const statuses = result.ofType('CONNECTION_STATUS');
    expect(statuses.map((s) => s.connectionStatus.status)).toEqual(['FAILED']);
    expect(statuses[0].connectionStatus.message).toContain('burst');
  });
});

describe('catalog', () => {
  test('not JSON', async () => {
    await expectRejected(['read'], { config: fastConfig(sim), catalogText: '{"streams": [' }, /catalog.*not valid JSON/i);
  });

  test('unknown stream: named, with the streams that exist', async () => {
    const catalog = { streams: [...goodCatalog.streams, { ...goodCatalog.streams[0], stream: { ...goodCatalog.streams[0].stream, name: 'warehouses' } }] };
    await expectRejected(['read'], { config: fastConfig(sim), catalog }, /warehouses.*(items|customers)/);
  });

  test.each([
    ['a mode no stream has', 'items', 'sideways'],
    ['incremental for a stream without a cursor', 'stock_summaries', 'incremental'],
  ])('invalid sync mode (%s): names the stream and the supported modes', async (_name, stream, mode) => {
    const catalog = { streams: goodCatalog.streams.map((s: Message) => (s.stream.name === stream ? { ...s, sync_mode: mode } : s)) };
    await expectRejected(['read'], { config: fastConfig(sim), catalog }, new RegExp(`${stream}.*${mode}.*full_refresh`));
  });

  test("CAT's __AIRBYTE__stream_that_does_not_exist with sync_mode INVALID", async () => {
    const catalog = {
      streams: [
        {
          stream: { name: '__AIRBYTE__stream_that_does_not_exist', json_schema: { type: 'object', properties: { f1: { type: 'string' } } }, supported_sync_modes: ['full_refresh'] },
          sync_mode: 'INVALID',
          destination_sync_mode: 'INVALID',
        },
      ],
    };
    await expectRejected(['read'], { config: fastConfig(sim), catalog }, /__AIRBYTE__stream_that_does_not_exist.*(discover|does not exist)/);
  });
});

describe('state', () => {
  test('not JSON', async () => {
    await expectRejected(['read'], { config: fastConfig(sim), catalog: goodCatalog, state: '[{"type": "STREAM", ' }, /state.*not valid JSON/i);
  });

  test.each([
    ['a number', 42],
    ['a message without a stream descriptor', [{ type: 'STREAM', stream: { stream_state: { updated_at: '2024-01-01T00:00:00Z' } } }]],
    ['a stream_state that is a string', stateFor('2024-01-01T00:00:00Z')],
    ['an unknown state type', [{ type: 'PER_TABLE', data: {} }]],
  ])('wrong shape (%s): shows the expected shape', async (_name, state) => {
    await expectRejected(['read'], { config: fastConfig(sim), catalog: goodCatalog, state: JSON.stringify(state) }, /state.*(shape|expected).*STREAM/i);
  });

  test.each(['last tuesday', '2024-13-01T00:00:00Z', 1714557600])('a cursor that is not a timestamp (%s): names the stream and the value', async (value) => {
    await expectRejected(
      ['read'],
      { config: fastConfig(sim), catalog: goodCatalog, state: JSON.stringify(stateFor({ updated_at: value })) },
      new RegExp(`items.*${String(value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*(RFC 3339|timestamp)`),
    );
  });
});
