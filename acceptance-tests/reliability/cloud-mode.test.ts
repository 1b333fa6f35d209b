/**
 * Issue 16, point 3: Cloud mode. Airbyte Cloud starts sources with
 * DEPLOYMENT_MODE=CLOUD; there the connector must refuse plain-HTTP URLs and
 * any host that is (or resolves to) a loopback, private or otherwise
 * non-public address, with a config_error, before a single request goes out.
 * OSS mode (no variable, or OSS) reads as before.
 *
 * Only loopback addresses appear here (127.0.0.0/8, localhost, ::1 and their
 * other spellings): the simulator listens on 127.0.0.1, over HTTP and over
 * HTTPS with a certificate authority made at test time. "No request" is what
 * the simulator counted. With CONNECTOR_IMAGE set, the image runs them.
 */
import { RESOURCES, Simulator, startSimulator } from '../simulator';
import { catalogOf, collectingRunner, fastConfig, recordIds, simIds, smallCounts } from '../helpers/reliability';
import { Message, RunResult } from '../helpers/run-connector';
import { createTestCa, TestCa } from '../helpers/test-ca';

const { run, leaks } = collectingRunner();
let ca: TestCa;
let plain: Simulator; // http://127.0.0.1:PORT
let tls: Simulator; // https://127.0.0.1:PORT, certificate for 127.0.0.1 and localhost signed by `ca`

beforeAll(async () => {
  ca = createTestCa();
  plain = await startSimulator({ counts: smallCounts({ items: 250 }) });
  tls = await startSimulator({ tls: ca.server, counts: smallCounts({ orders: 250 }) });
});
afterAll(async () => {
  await Promise.all([plain?.close(), tls?.close()]);
  ca?.remove();
});
afterAll(() => expect(leaks()).toEqual([]));

const cloud = (mode = 'CLOUD') => ({ env: { DEPLOYMENT_MODE: mode }, extraCaFile: ca.caFile });

let catalog: Message | undefined;
/** Every stream, incremental where it can be (from an OSS discover). */
async function allStreams(): Promise<Message> {
  catalog ??= await catalogOf(run, plain, [...RESOURCES]);
  return catalog;
}

function expectEveryRecord(result: RunResult, sim: Simulator): void {
  expect(result.errors()).toEqual([]);
  expect(result.code).toBe(0);
  for (const stream of RESOURCES) {
    expect({ stream, status: result.statuses(stream).at(-1) }).toEqual({ stream, status: 'COMPLETE' });
    expect({ stream, ids: recordIds(result, stream) }).toEqual({ stream, ids: simIds(sim, stream).sort() });
  }
}

/**
 * Each URL is tried in OSS mode first (DEPLOYMENT_MODE unset, `OSS` or `oss`), where it works as before,
 * then in Cloud mode, where it is refused.
 */
describe('OSS mode reads as before; Cloud mode refuses before any request, with a config_error', () => {
  type Target = { sim: Simulator; base_url: string; oss: { env?: Record<string, string>; extraCaFile?: string } };
  const urls: [string, () => Target, RegExp][] = [
    ['http://127.0.0.1:PORT (OSS: DEPLOYMENT_MODE unset)', () => ({ sim: plain, base_url: plain.url, oss: {} }), /accepts only https:\/\/ URLs, and base_url starts with http:\/\//],
    [
      'https://127.0.0.1:PORT (OSS: DEPLOYMENT_MODE=OSS)',
      () => ({ sim: tls, base_url: tls.url, oss: { env: { DEPLOYMENT_MODE: 'OSS' }, extraCaFile: ca.caFile } }),
      /base_url's host 127\.0\.0\.1 is a loopback address/,
    ],
    [
      'https://localhost:PORT (OSS: DEPLOYMENT_MODE=oss)',
      () => ({ sim: tls, base_url: `https://localhost:${tls.port}`, oss: { env: { DEPLOYMENT_MODE: 'oss' }, extraCaFile: ca.caFile } }),
      /base_url's host localhost resolves to (127\.0\.0\.1|::1), a loopback address/,
    ],
  ];

  test.each(urls)('%s: check succeeds in OSS mode; in Cloud mode it answers FAILED with the reason, and the API hears nothing', async (_url, target, reason) => {
    const { sim, base_url, oss } = target();
    const inOss = await run(['check'], { config: fastConfig(sim, { base_url }) }, oss);
    expect(inOss.ofType('CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual(['SUCCEEDED']);

    const before = sim.stats().requests;
    const check = await run(['check'], { config: fastConfig(sim, { base_url }) }, cloud());
    const status = check.ofType('CONNECTION_STATUS');
    expect(status).toHaveLength(1);
    expect(status[0].connectionStatus.status).toBe('FAILED');
    expect(status[0].connectionStatus.message).toMatch(/Cloud mode \(DEPLOYMENT_MODE=CLOUD\)/);
    expect(status[0].connectionStatus.message).toMatch(reason);
    expect(status[0].connectionStatus.message).toMatch(/Set base_url to the API's public https:\/\/ URL/);
    expect(sim.stats().requests - before).toBe(0);
  });

  test.each(urls)('%s: discover returns the catalog in OSS mode; in Cloud mode it ends with a config_error trace, no catalog, exit non-zero, and the API hears nothing', async (_url, target, reason) => {
    const { sim, base_url, oss } = target();
    const inOss = await run(['discover'], { config: fastConfig(sim, { base_url }) }, oss);
    expect(inOss.code).toBe(0);
    expect(inOss.ofType('CATALOG')[0].catalog.streams.map((st: Message) => st.name)).toEqual(RESOURCES);

    const before = sim.stats().requests;
    const discover = await run(['discover'], { config: fastConfig(sim, { base_url }) }, cloud());
    expect(discover.code).not.toBe(0);
    expect(discover.ofType('CATALOG')).toEqual([]);
    expect(discover.errors()).toEqual([expect.objectContaining({ failure_type: 'config_error', message: expect.stringMatching(reason) })]);
    expect(sim.stats().requests - before).toBe(0);
  });

  test.each(urls)('%s: read returns every record of every stream in OSS mode; in Cloud mode it ends with a config_error trace, no record, exit non-zero, and the API hears nothing', async (_url, target, reason) => {
    const { sim, base_url, oss } = target();
    const streams = await allStreams();
    expectEveryRecord(await run(['read'], { config: fastConfig(sim, { base_url }), catalog: streams }, oss), sim);

    const before = sim.stats().requests;
    const read = await run(['read'], { config: fastConfig(sim, { base_url }), catalog: streams }, cloud());
    expect(read.code).not.toBe(0);
    expect(read.records()).toEqual([]);
    expect(read.states()).toEqual([]);
    expect(read.errors()).toEqual([expect.objectContaining({ failure_type: 'config_error', message: expect.stringMatching(reason) })]);
    expect(sim.stats().requests - before).toBe(0);
  });

  test.each(['cloud', 'Cloud', 'CLOUD'])('DEPLOYMENT_MODE=%s is Cloud mode (the value is case-insensitive)', async (mode) => {
    const before = plain.stats().requests;
    const check = await run(['check'], { config: fastConfig(plain) }, cloud(mode));
    expect(check.ofType('CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual(['FAILED']);
    expect(plain.stats().requests - before).toBe(0);
  });

  test.each([
    ['127.1.2.3 (anywhere in 127.0.0.0/8)', '127.1.2.3', /host 127\.1\.2\.3 is a loopback address/],
    ['[::1]', '[::1]', /host ::1 is a loopback address/],
    ['[::ffff:127.0.0.1] (IPv4-mapped)', '[::ffff:127.0.0.1]', /host ::ffff:7f00:1 is a loopback address \(127\.0\.0\.1, in IPv6 form\)/],
    ['0x7f.1 (what the URL parser reads as 127.0.0.1)', '0x7f.1', /host 127\.0\.0\.1 is a loopback address/],
    ['2130706433 (127.0.0.1 as one integer)', '2130706433', /host 127\.0\.0\.1 is a loopback address/],
  ])('base_url with the host %s is refused as loopback too, whatever its spelling', async (_what, host, reason) => {
    const before = tls.stats().requests;
    const read = await run(['read'], { config: fastConfig(tls, { base_url: `https://${host}:${tls.port}` }), catalog: await allStreams() }, cloud());
    expect(read.code).not.toBe(0);
    expect(read.errors()).toEqual([expect.objectContaining({ failure_type: 'config_error', message: expect.stringMatching(reason) })]);
    expect(tls.stats().requests - before).toBe(0);
  });
});
