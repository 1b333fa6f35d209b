/**
 * Issue 15: a full refresh or an incremental read while records change under
 * it, against the contract server. The contract moves an updated record to the
 * end of the list. Asserted, as invariants: every read ends; with reads
 * outpacing updates the first sync emits every record that existed at its
 * start; with updates outpacing reads an incremental read ends COMPLETE with a
 * WARN and a checkpoint that loses nothing, and a full refresh ends INCOMPLETE
 * with a transient_error (never COMPLETE with records missing), whose retry
 * from its last STATE loses nothing; a read emits at most three times what the
 * table held.
 */
import { ChurnOptions, ContractServer, ContractServerOptions, startContractServer } from '../contract-server';
import { collectingRunner } from '../helpers/reliability';
import { finalState, RunResult } from '../helpers/run-connector';
import { checkpointsInTheFuture, checkpointsThatAreNotRecords, finalStatus, missing, outpacedWarnings, snapshot } from './invariants';
import { contractCatalog, contractConfig } from './setup';

const { run, leaks } = collectingRunner();
afterAll(() => expect(leaks()).toEqual([]));
const figures: string[] = [];
afterAll(() => console.log(`contract churn: ${figures.join('; ')}`));

const TABLE = 3000;
const RUN_MS = 120_000;
const MODES = ['full_refresh', 'incremental'] as const;

async function hot(churn: Omit<ChurnOptions, 'resource'>, options: ContractServerOptions = {}): Promise<ContractServer> {
  const server = await startContractServer({ counts: { items: TABLE }, latencyMs: 2, ...options });
  server.setChurn({ resource: 'items', ...churn });
  return server;
}

function expectCheckpointsAreRecords(server: ContractServer, r: RunResult, floor?: string): void {
  expect(checkpointsThatAreNotRecords(r, 'items', floor)).toEqual([]);
  expect(checkpointsInTheFuture(r, 'items', Math.max(server.apiNow(), Date.now()))).toEqual([]);
}

describe.each(MODES)('%s: reads outpace updates', (mode) => {
  test.each([
    ['20 updates per page served, 8 pages in flight', { perRequest: 20 }, {}],
    ['40 updates per page served, 8 pages in flight', { perRequest: 40 }, {}],
    ['300 updates per second behind a rate limit of 10 requests/s (bursts of 20)', { perSecond: 300 }, { rateLimit: { perSecond: 10, burst: 20 } }],
  ] as const)('%s: the first sync ends and emits every record that existed at its start; the next loses nothing', async (name, churn, options) => {
    const server = await hot(churn, options);
    try {
      // Discover before the churn matters; the table at the start of the read is the one that must arrive.
      const catalog = await contractCatalog(run, server, 'items', mode);
      const config = contractConfig(server, 'rateLimit' in options ? { requests_per_second: 10, burst: 20 } : { max_concurrent_requests: 8 });
      const atStart = snapshot(server, 'items');
      const first = await run(['read'], { config, catalog }, { timeoutMs: RUN_MS });
      server.setChurn(undefined);
      expect(first.errors()).toEqual([]);
      expect(first.code).toBe(0);
      expect(finalStatus(first, 'items')).toBe('COMPLETE');
      expect(outpacedWarnings(first, 'items')).toEqual([]);
      expect(missing(server, 'items', atStart, first)).toEqual([]);
      expectCheckpointsAreRecords(server, first);
      const emitted = first.records('items').length;
      figures.push(`${mode}, ${name}: ${emitted} records emitted for ${TABLE}, ${server.churned} updates meanwhile`);
      expect(emitted).toBeLessThanOrEqual(3 * TABLE);

      const atSecond = snapshot(server, 'items');
      const second = await run(['read'], { config, catalog, state: finalState(first) }, { timeoutMs: RUN_MS });
      expect(second.code).toBe(0);
      expect(missing(server, 'items', atSecond, ...(mode === 'incremental' ? [first, second] : [second]))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('updates outpace reads: 150 updates per page served on 3,000 records', () => {
  test('incremental: the first sync and a second from its state both end COMPLETE with the WARN, each within 3x the table; a quiet third loses nothing', async () => {
    const server = await hot({ perRequest: 150 });
    try {
      const catalog = await contractCatalog(run, server, 'items', 'incremental');
      const config = contractConfig(server);
      const first = await run(['read'], { config, catalog }, { timeoutMs: RUN_MS });
      const second = await run(['read'], { config, catalog, state: finalState(first) }, { timeoutMs: RUN_MS });
      server.setChurn(undefined);
      for (const r of [first, second]) {
        expect(r.code).toBe(0);
        expect(finalStatus(r, 'items')).toBe('COMPLETE');
        expect(outpacedWarnings(r, 'items')).toHaveLength(1);
        expect(outpacedWarnings(r, 'items')[0]).toMatch(/the next sync picks up the rest/);
        expect(r.records('items').length).toBeLessThanOrEqual(3 * TABLE);
      }
      expectCheckpointsAreRecords(server, first);
      figures.push(`hot incremental: ${first.records('items').length} then ${second.records('items').length} records emitted`);
      const latest = snapshot(server, 'items');
      const third = await run(['read'], { config, catalog, state: finalState(second) }, { timeoutMs: RUN_MS });
      expect(third.code).toBe(0);
      expect(finalStatus(third, 'items')).toBe('COMPLETE');
      expect(missing(server, 'items', latest, first, second, third)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test('full refresh: INCOMPLETE with a transient_error that says why and suggests incremental, never COMPLETE with records missing; the retry from its last STATE loses nothing', async () => {
    const server = await hot({ perRequest: 150 });
    try {
      const catalog = await contractCatalog(run, server, 'items', 'full_refresh');
      const config = contractConfig(server);
      const atStart = snapshot(server, 'items');
      const first = await run(['read'], { config, catalog }, { timeoutMs: RUN_MS });
      server.setChurn(undefined);
      expect(first.code).not.toBe(0);
      expect(first.statuses('items')).not.toContain('COMPLETE');
      const [error] = first.errors();
      expect(error.failure_type).toBe('transient_error');
      expect(error.message).toMatch(/changes faster than it can be read/);
      expect(error.message).toMatch(/incrementally/);
      expect(first.records('items').length).toBeLessThanOrEqual(3 * TABLE);
      expectCheckpointsAreRecords(server, first);
      // The platform retries the attempt with the last STATE it got.
      const retry = await run(['read'], { config, catalog, state: finalState(first) }, { timeoutMs: RUN_MS });
      expect(retry.code).toBe(0);
      expect(finalStatus(retry, 'items')).toBe('COMPLETE');
      expect(missing(server, 'items', atStart, first, retry)).toEqual([]);
      figures.push(`hot full refresh: ${first.records('items').length} records, then the retry ${retry.records('items').length}`);
    } finally {
      await server.close();
    }
  });
});

describe('stamps of whole seconds while records change: later versions share instants', () => {
  test.each(MODES)('%s: every record that existed at the start, every later version of the records updated before the second sync', async (mode) => {
    // 100 updates a second stamped with whole seconds: each second's updates share one instant, in id order.
    const server = await hot({ perSecond: 100 }, { stampDigits: 0, latencyMs: 5 });
    try {
      const catalog = await contractCatalog(run, server, 'items', mode);
      const config = contractConfig(server, { max_concurrent_requests: 4 });
      const atStart = snapshot(server, 'items');
      const first = await run(['read'], { config, catalog }, { timeoutMs: RUN_MS });
      server.setChurn(undefined);
      expect(first.code).toBe(0);
      expect(finalStatus(first, 'items')).toBe('COMPLETE');
      expect(outpacedWarnings(first, 'items')).toEqual([]);
      expect(missing(server, 'items', atStart, first)).toEqual([]);
      expectCheckpointsAreRecords(server, first);
      // Updates within the second the first sync ended in: they share instants with records it emitted.
      server.updateRandom('items', 20);
      const latest = snapshot(server, 'items');
      const second = await run(['read'], { config, catalog, state: finalState(first) }, { timeoutMs: RUN_MS });
      expect(second.code).toBe(0);
      expect(missing(server, 'items', latest, ...(mode === 'incremental' ? [first, second] : [second]))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
