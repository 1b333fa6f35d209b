/**
 * Issue 12, "Resumable full refresh": a full refresh checkpoints its position
 * after every page, so a failed attempt goes on from its last checkpoint when
 * the platform hands that STATE back; a finished one ends with the CDK's
 * {"__ab_full_refresh_sync_complete": true}, which starts the next full refresh
 * from the beginning. Both kinds of stream: `items` (ordered by updated_at) and
 * `stock_summaries` (ordered by id, no filter).
 */
import { Simulator, startSimulator } from '../simulator';
import { catalogOf, collectingRunner, fastConfig, recordIds, simIds, smallCounts, warnings } from '../helpers/reliability';
import { finalState, Message, RunResult } from '../helpers/run-connector';

const { run, leaks } = collectingRunner();
afterAll(() => expect(leaks()).toEqual([]));
afterAll(() => console.log(`resumable full refresh: ${figures.join('; ')}`));
const figures: string[] = [];

const N = 1000;
const STREAMS = ['items', 'stock_summaries'] as const;
let sim: Simulator;
let catalog: Message;

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, counts: smallCounts({ items: N, stock_summaries: N }) });
  catalog = await catalogOf(run, sim, [...STREAMS], 'full_refresh');
});
afterAll(() => sim.close());

const stateOf = (r: RunResult, stream: string) => r.states(stream).map((s) => s.stream.stream_state);
const idsOf = (...runs: RunResult[]) => (stream: string) => new Set(runs.flatMap((r) => r.records(stream).map((x) => String(x.data.id))));
const asInput = (stream: string, blob: unknown) => [{ type: 'STREAM', stream: { stream_descriptor: { name: stream }, stream_state: blob } }];

describe('a full refresh checkpoints as it goes', () => {
  let full: RunResult;
  beforeAll(async () => {
    full = await run(['read'], { config: fastConfig(sim), catalog });
  });

  test.each(STREAMS)('%s: a STATE after every page, never more than a page behind what was emitted, the last one the CDK completion marker', (stream) => {
    expect(full.code).toBe(0);
    const states = full.states(stream);
    expect(states.length).toBeGreaterThanOrEqual(Math.ceil(N / 99));
    for (const s of states) expect(s.sourceStats.recordCount).toBeLessThanOrEqual(100);
    const blobs = stateOf(full, stream);
    expect(blobs.at(-1)).toEqual({ __ab_full_refresh_sync_complete: true });
    for (const b of blobs.slice(0, -1)) expect(Object.keys(b)).toEqual(['full_refresh_in_progress']);
    expect(recordIds(full, stream)).toEqual([...simIds(sim, stream)].sort());
  });

  test.each(STREAMS)('%s: the final STATE of a full refresh leads to a complete re-read', async (stream) => {
    const again = await run(['read'], { config: fastConfig(sim), catalog: { streams: catalog.streams.filter((s: Message) => s.stream.name === stream) }, state: finalState(full).filter((s) => s.stream.stream_descriptor.name === stream) });
    expect(again.code).toBe(0);
    expect(recordIds(again, stream)).toEqual([...simIds(sim, stream)].sort());
    expect(warnings(again)).toEqual([]);
  });

  test.each(STREAMS)('%s: resuming from mid-way STATEs of a complete read loses nothing and starts near the checkpoint', async (stream) => {
    const events = full.messages.filter((m) => (m.type === 'RECORD' && m.record.stream === stream) || (m.type === 'STATE' && m.state.stream.stream_descriptor.name === stream));
    const picks = [0.25, 0.5, 0.9].map((f) => {
      const states = events.flatMap((m, i) => (m.type === 'STATE' && m.state.stream.stream_state.full_refresh_in_progress ? [i] : []));
      return states[Math.floor(f * (states.length - 1))];
    });
    for (const at of picks) {
      const before = events.slice(0, at).filter((m) => m.type === 'RECORD').map((m) => String(m.record.data.id));
      const blob = events[at].state.stream.stream_state;
      const resumed = await run(['read'], {
        config: fastConfig(sim),
        catalog: { streams: catalog.streams.filter((s: Message) => s.stream.name === stream) },
        state: asInput(stream, blob),
      });
      expect(resumed.code).toBe(0);
      const union = new Set([...before, ...resumed.records(stream).map((r) => String(r.data.id))]);
      expect(simIds(sim, stream).filter((id) => !union.has(id))).toEqual([]);
      // Near the checkpoint: at most a page (or a tie group at the cursor) read again.
      expect(resumed.records(stream).length).toBeLessThanOrEqual(N - before.length + 250);
      expect(resumed.records(stream).length).toBeLessThan(N);
    }
  });
});

describe('a failed attempt goes on from its last checkpoint, while records move in between', () => {
  let first: RunResult;
  let second: RunResult;
  let moved: string[];

  beforeAll(async () => {
    // Each stream fails after a few requests (items' second request asks for its newest record, the bound of its first pass).
    sim.setFaults([
      { path: '/v1/items', skip: 4, status: 503, times: Infinity },
      { path: '/v1/stock_summaries', skip: 3, status: 503, times: Infinity },
    ]);
    try {
      first = await run(['read'], { config: fastConfig(sim, { max_retry_seconds: 0.5, max_concurrent_requests: 1 }), catalog });
    } finally {
      sim.setFaults([]);
    }
    // Between the attempts: records already emitted and records not yet read are updated.
    const all = simIds(sim, 'items');
    moved = [all[5], all[150], all[250], all[600], all[999]];
    sim.update('items', moved);
    second = await run(['read'], { config: fastConfig(sim), catalog, state: finalState(first) });
  });

  test('the first attempt fails each stream after a few pages, having checkpointed what it emitted', () => {
    expect(first.code).not.toBe(0);
    for (const s of STREAMS) {
      expect(first.statuses(s).at(-1)).toBe('INCOMPLETE');
      expect(first.records(s).length).toBeGreaterThanOrEqual(100); // at least a page
      expect(first.records(s).length).toBeLessThan(N);
      expect(Object.keys(stateOf(first, s).at(-1)!)).toEqual(['full_refresh_in_progress']);
    }
  });

  test.each(STREAMS)('%s: the second attempt completes from the checkpoint; the two together hold every record, the moved ones at their new version', (stream) => {
    expect(second.statuses(stream).at(-1)).toBe('COMPLETE');
    const union = idsOf(first, second)(stream);
    expect(simIds(sim, stream).filter((id) => !union.has(id))).toEqual([]);
    const resumedFrom = first.records(stream).length;
    figures.push(`${stream}: attempt 1 emitted ${resumedFrom}, attempt 2 emitted ${second.records(stream).length} of ${N}`);
    expect(second.records(stream).length).toBeLessThanOrEqual(N - resumedFrom + 250);
    if (stream === 'items') {
      const latest = new Set(second.records('items').map((r) => `${r.data.id}@${r.data.updated_at}`));
      for (const r of sim.records('items')) if (moved.includes(String(r.id))) expect(latest.has(`${r.id}@${r.updated_at}`)).toBe(true);
    }
  });

  test('stock_summaries resumes right after the record of its checkpoint', () => {
    const checkpoint = stateOf(first, 'stock_summaries').at(-1)!.full_refresh_in_progress;
    const all = simIds(sim, 'stock_summaries');
    expect(second.records('stock_summaries')[0].data.id).toBe(all[all.indexOf(checkpoint.id) + 1]);
    expect(second.records('stock_summaries').length).toBe(N - 1 - all.indexOf(checkpoint.id));
  });
});

describe('a state of the other mode starts over, with a WARN, and loses nothing', () => {
  test('a full refresh position handed to an incremental read', async () => {
    const incremental = await catalogOf(run, sim, ['items'], 'incremental');
    const r = await run(['read'], { config: fastConfig(sim), catalog: incremental, state: asInput('items', { full_refresh_in_progress: { updated_at: '2025-06-01T00:00:00Z' } }) });
    expect(r.code).toBe(0);
    expect(warnings(r).some((w) => /items: the state handed to this incremental read is from a full refresh.*reading the stream from the start/.test(w))).toBe(true);
    expect(recordIds(r, 'items')).toEqual([...simIds(sim, 'items')].sort());
  });

  test('an incremental cursor handed to a full refresh', async () => {
    const r = await run(['read'], { config: fastConfig(sim), catalog: await catalogOf(run, sim, ['items'], 'full_refresh'), state: asInput('items', { updated_at: '2025-06-01T00:00:00Z' }) });
    expect(r.code).toBe(0);
    expect(warnings(r).some((w) => /items: the state handed to this full refresh read is from an incremental cursor/.test(w))).toBe(true);
    expect(recordIds(r, 'items')).toEqual([...simIds(sim, 'items')].sort());
  });
});
