/**
 * Issue 15: no record is lost against any server that honours the contract.
 *
 * Every scenario runs the connector (a separate process, or the image) against
 * the contract server (acceptance-tests/contract-server/), which is not the
 * simulator the code was tuned on, in full refresh and in incremental, with
 * updates between two syncs. Each asserts the guarantees as invariants:
 *
 * - COMPLETE means complete: every record that existed when the sync started
 *   was emitted in that sync, at that version or a later one.
 * - A checkpoint is a record: every STATE cursor is the updated_at of a record
 *   the run emitted before it, or the floor it started from; none is later than
 *   the later of the API's clock and the local one.
 * - Nothing is lost across syncs: the second sync (from the first one's state)
 *   brings every record updated in between.
 */
import { ContractServer, ContractServerOptions, startContractServer } from '../contract-server';
import { collectingRunner } from '../helpers/reliability';
import { finalState, RunResult } from '../helpers/run-connector';
import {
  checkpointsInTheFuture,
  checkpointsThatAreNotRecords,
  finalStatus,
  missing,
  outpacedWarnings,
  snapshot,
  stateCursor,
} from './invariants';
import { contractCatalog, contractConfig } from './setup';

const { run, leaks } = collectingRunner();
afterAll(() => expect(leaks()).toEqual([]));
const figures: string[] = [];
afterAll(() => console.log(`contract reads: ${figures.join('; ')}`));

const MODES = ['full_refresh', 'incremental'] as const;
type Mode = (typeof MODES)[number];
const RUN_MS = 120_000;

interface TwoSyncs {
  server: ContractServer;
  first: RunResult;
  second: RunResult;
  atFirst: ReturnType<typeof snapshot>;
  atSecond: ReturnType<typeof snapshot>;
  ceilingMs: number;
}

/** Sync, update 40 records, sync again from the first sync's state (what the platform hands back). */
async function twoSyncs(options: ContractServerOptions, mode: Mode, config: Record<string, unknown> = {}): Promise<TwoSyncs> {
  const server = await startContractServer({ counts: { items: 1000 }, ...options });
  try {
    const catalog = await contractCatalog(run, server, 'items', mode);
    const atFirst = snapshot(server, 'items');
    const first = await run(['read'], { config: contractConfig(server, config), catalog }, { timeoutMs: RUN_MS });
    server.updateRandom('items', 40);
    const atSecond = snapshot(server, 'items');
    const second = await run(['read'], { config: contractConfig(server, config), catalog, state: finalState(first) }, { timeoutMs: RUN_MS });
    const ceilingMs = Math.max(server.apiNow(), Date.now());
    return { server, first, second, atFirst, atSecond, ceilingMs };
  } finally {
    await server.close();
  }
}

function expectAllInvariants(s: TwoSyncs, mode: Mode): void {
  const { server, first, second } = s;
  for (const r of [first, second]) {
    expect(r.errors()).toEqual([]);
    expect(r.code).toBe(0);
    expect(finalStatus(r, 'items')).toBe('COMPLETE');
    expect(outpacedWarnings(r, 'items')).toEqual([]);
    expect(checkpointsInTheFuture(r, 'items', s.ceilingMs)).toEqual([]);
  }
  // COMPLETE means complete, in each sync.
  expect(missing(server, 'items', s.atFirst, first)).toEqual([]);
  if (mode === 'full_refresh') expect(missing(server, 'items', s.atSecond, second)).toEqual([]);
  // Nothing lost across syncs: what changed in between reached the second, incremental, sync.
  else expect(missing(server, 'items', s.atSecond, first, second)).toEqual([]);
  // A checkpoint is a record.
  expect(checkpointsThatAreNotRecords(first, 'items')).toEqual([]);
  const floor = mode === 'incremental' ? stateCursor(finalState(first)[0]) : undefined;
  expect(checkpointsThatAreNotRecords(second, 'items', floor)).toEqual([]);
}

describe.each(MODES)('%s against servers that honour the contract but are not the simulator', (mode) => {
  test.each([
    ['a page cap of 50, its `limit` saying what was asked', { pageCap: 50 }],
    ['a page cap of 37, its `limit` saying the cap', { pageCap: 37, reportedLimit: 'cap' as const }],
    ['a lagging replica: every 4th page beyond the first empty while its total says more', { emptyPageEvery: 4 }],
    ['a Date header 30 s ahead of the stamps', { date: { skewMs: 30_000 } }],
    ['a Date header 1 h ahead of the stamps', { date: { skewMs: 3_600_000 } }],
    ['a Date header 10 min behind the stamps', { date: { skewMs: -600_000 } }],
    ['a Date header 1 h behind the stamps', { date: { skewMs: -3_600_000 } }],
    ['no Date header at all', { date: 'none' as const }],
    ['stamps of whole seconds', { stampDigits: 0 }],
    ['stamps with 0 to 3 fraction digits, written minimally', { stampDigits: 3, stampStyle: 'minimal' as const }],
  ])('%s: every record, every update, checkpoints that are records', async (_name, options) => {
    expectAllInvariants(await twoSyncs(options, mode), mode);
  });

  test('one record stamped 2099-01-01 (a bad row): it is emitted, it never becomes the cursor, and later updates still arrive', async () => {
    const s = await twoSyncs({ futureRecord: { resource: 'items', at: '2099-01-01T00:00:00Z' } }, mode);
    expectAllInvariants(s, mode);
    const future = s.first.records('items').filter((r) => r.data.updated_at === '2099-01-01T00:00:00Z');
    expect(future.length).toBeGreaterThanOrEqual(1);
    for (const st of [...s.first.states('items'), ...s.second.states('items')]) expect(stateCursor(st) ?? '').not.toMatch(/^2099/);
  });
});

describe('records that become visible 30 s after they were stamped (read replicas)', () => {
  /** Sync, then 30 updates stamped 30 s ago appear, then sync again with this lookback. */
  async function lateUpdates(lookbackSeconds: number): Promise<{ lost: string[]; second: RunResult; floor?: string }> {
    const server = await startContractServer({ counts: { items: 1000 } });
    try {
      const catalog = await contractCatalog(run, server, 'items', 'incremental');
      const config = contractConfig(server, { lookback_window_seconds: lookbackSeconds });
      server.updateRandom('items', 5); // recent activity: the first sync's checkpoint is a record stamped moments ago
      const first = await run(['read'], { config, catalog }, { timeoutMs: RUN_MS });
      expect(first.code).toBe(0);
      const ids = server
        .records('items')
        .slice(0, 30)
        .map((r) => String(r.id));
      server.update('items', ids, { stampMs: Date.now() - 30_000 });
      const atSecond = snapshot(server, 'items');
      const second = await run(['read'], { config, catalog, state: finalState(first) }, { timeoutMs: RUN_MS });
      expect(second.code).toBe(0);
      const lost = missing(server, 'items', atSecond, first, second);
      return { lost, second, floor: stateCursor(finalState(first)[0]) };
    } finally {
      await server.close();
    }
  }

  test('with lookback_window_seconds = 120 all 30 reach the next sync', async () => {
    const { lost, second, floor } = await lateUpdates(120);
    expect(lost).toEqual([]);
    expect(checkpointsThatAreNotRecords(second, 'items', floor)).toEqual([]);
  });

  test('control: without a lookback they are missed, so the scenario bites', async () => {
    const { lost } = await lateUpdates(0);
    figures.push(`late-visible updates without a lookback: ${lost.length} of 30 missed`);
    expect(lost.length).toBe(30);
  });
});

describe('end_date: a bounded backfill', () => {
  test.each(MODES)('%s: nothing at or after end_date is read, the state never passes it, and the next sync without it goes on', async (mode) => {
    const server = await startContractServer({ counts: { items: 1000 } });
    try {
      const catalog = await contractCatalog(run, server, 'items', mode);
      const all = server.records('items');
      const end = String(all[600].updated_at);
      const endAt = Date.parse(end);
      const before = snapshot(server, 'items');
      const first = await run(['read'], { config: contractConfig(server, { end_date: end }), catalog }, { timeoutMs: RUN_MS });
      expect(first.code).toBe(0);
      expect(finalStatus(first, 'items')).toBe('COMPLETE');
      expect(first.records('items').filter((r) => Date.parse(String(r.data.updated_at)) >= endAt)).toEqual([]);
      const wanted = { versions: new Map([...before.versions].filter(([id]) => Date.parse(before.stamps.get(id)!) < endAt)), stamps: before.stamps };
      expect(wanted.versions.size).toBeGreaterThan(500);
      expect(missing(server, 'items', wanted, first)).toEqual([]);
      for (const st of first.states('items')) {
        const c = stateCursor(st);
        if (c !== undefined) expect(Date.parse(c)).toBeLessThan(endAt);
      }
      if (mode === 'incremental') {
        const atSecond = snapshot(server, 'items');
        const second = await run(['read'], { config: contractConfig(server), catalog, state: finalState(first) }, { timeoutMs: RUN_MS });
        expect(second.code).toBe(0);
        expect(missing(server, 'items', atSecond, first, second)).toEqual([]);
      }
    } finally {
      await server.close();
    }
  });

  test('an end_date not after start_date is a config_error before any request', async () => {
    const server = await startContractServer({ counts: { items: 10 } });
    try {
      const catalog = await contractCatalog(run, server, 'items', 'incremental');
      const requests = server.requests.length;
      const r = await run(['read'], { config: contractConfig(server, { start_date: '2025-06-01T00:00:00Z', end_date: '2025-01-01T00:00:00Z' }), catalog });
      expect(r.code).not.toBe(0);
      expect(r.errors().map((e) => e.failure_type)).toEqual(['config_error']);
      expect(r.errors()[0].message).toMatch(/end_date must be later than start_date/);
      expect(server.requests.length).toBe(requests);
    } finally {
      await server.close();
    }
  });
});

describe('a replica that never has the records its total promises', () => {
  test.each(MODES)('%s: the stream fails loudly with a system_error naming the request and the totals; it never ends COMPLETE', async (mode) => {
    const server = await startContractServer({ counts: { items: 1000 }, emptyFrom: 0 });
    try {
      const catalog = await contractCatalog(run, server, 'items', mode);
      const r = await run(['read'], { config: contractConfig(server), catalog }, { timeoutMs: RUN_MS });
      expect(r.code).not.toBe(0);
      expect(r.statuses('items')).not.toContain('COMPLETE');
      expect(finalStatus(r, 'items')).toBe('INCOMPLETE');
      const [error] = r.errors();
      expect(error.failure_type).toBe('system_error');
      expect(error.message).toMatch(/offset 0.*no records although its total says 1000/);
      expect(r.records('items')).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
