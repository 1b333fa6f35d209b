import { InFlightLimit } from '../paging/in-flight';
import type { PageRequest } from '../paging/offset-pager';
import type { Page, Row } from '../records/selector';
import { Checkpoint } from '../state/checkpoint';
import { readWindows, WindowReadResult } from './window-reader';

/**
 * The planner, the pager and the checkpoints together, against a model of
 * the contract that makes every choice the contract leaves open at random:
 * page caps below the limit, lagging replicas (empty pages while `total`
 * says more), updates after every request (moved to the end of the order,
 * or just before a record stamped in the future), stamps with 0 to 6
 * fraction digits (whole seconds make a later version share an instant),
 * and an API clock skewed either way. The invariants must hold on every run.
 */

const SECOND = 1_000_000n;
const FUTURE = BigInt(Date.UTC(2099, 0, 1)) * 1000n;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ModelRow {
  id: string;
  at: bigint;
  version: number;
}

interface Scenario {
  records: number;
  cap: number;
  emptyChance: number;
  churnPerRequest: number;
  digits: number;
  skewSeconds: number;
  future: boolean;
  inFlight: number;
}

class ModelApi {
  rows: ModelRow[] = [];
  /** The writer's clock, in µs: it stamps every update. */
  writer: bigint;
  requests = 0;
  churn: number;
  constructor(
    readonly s: Scenario,
    private readonly random: () => number,
  ) {
    this.churn = s.churnPerRequest;
    let t = BigInt(Date.UTC(2025, 0, 1)) * 1000n;
    for (let i = 0; i < s.records; i++) {
      if (random() < 0.6) t += BigInt(Math.floor(random() * 2_000_000));
      this.place({ id: `r${Math.floor(random() * 1e9).toString(36)}${i}`, at: this.truncate(t), version: 1 });
    }
    if (s.future && this.rows.length) this.move(this.rows[Math.floor(random() * this.rows.length)].id, FUTURE);
    // The writer goes on from the newest record, in the same second: later versions can share its instant.
    this.writer = this.rows.filter((r) => r.at < FUTURE).reduce((m, r) => (r.at > m ? r.at : m), t);
  }
  truncate(us: bigint): bigint {
    const unit = 10n ** BigInt(6 - this.s.digits);
    return us - (us % unit);
  }
  place(row: ModelRow): void {
    const i = this.rows.findIndex((r) => r.at > row.at || (r.at === row.at && r.id > row.id));
    this.rows.splice(i < 0 ? this.rows.length : i, 0, row);
  }
  move(id: string, at: bigint): void {
    const i = this.rows.findIndex((r) => r.id === id);
    const [old] = this.rows.splice(i, 1);
    this.place({ id, at, version: old.version + 1 });
  }
  /** The API's clock as its Date header would show it. */
  apiNow(): bigint {
    return this.writer + BigInt(this.s.skewSeconds) * SECOND;
  }
  page(req: PageRequest): Page {
    this.requests++;
    if (this.requests > 200_000) throw new Error('the read did not end');
    const matching = this.rows.filter((r) => (req.since === undefined || r.at >= req.since) && (req.before === undefined || r.at < req.before));
    const lagging = req.offset < matching.length && this.random() < this.s.emptyChance;
    const served = lagging ? [] : matching.slice(req.offset, req.offset + Math.min(req.limit, this.s.cap));
    const rows: Row[] = served.map((r) => ({ id: r.id, cursor: r.at, record: { id: r.id, version: r.version } }));
    const page = { rows, total: matching.length };
    this.writer += BigInt(Math.floor(this.random() * 3000));
    for (let k = 0; k < this.churn; k++) {
      const pickable = this.rows.filter((r) => r.at < FUTURE);
      if (!pickable.length) break;
      this.move(pickable[Math.floor(this.random() * pickable.length)].id, this.truncate(this.writer));
    }
    return page;
  }
  versions(): Map<string, number> {
    return new Map(this.rows.map((r) => [r.id, r.version]));
  }
}

interface Run {
  result: WindowReadResult;
  emitted: Map<string, number>;
  checkpoints: (bigint | undefined)[];
}

async function read(api: ModelApi, start: bigint | undefined, inFlight: number): Promise<Run> {
  const checkpoint = new Checkpoint(start, () => (api.apiNow() > api.writer ? api.apiNow() : api.writer));
  const emitted = new Map<string, number>();
  const seenAt = new Set<bigint>();
  const checkpoints: (bigint | undefined)[] = [];
  const result = await readWindows({
    fetch: async (req) => api.page(req),
    limit: 100,
    start,
    inFlight: new InFlightLimit(inFlight),
    checkpoint,
    sink: {
      answered: () => {},
      rows: async (rows) => {
        for (const r of rows) {
          const v = (r.record as { version: number }).version;
          emitted.set(r.id, Math.max(v, emitted.get(r.id) ?? 0));
          seenAt.add(r.cursor!);
        }
        const c = checkpoint.cursor;
        checkpoints.push(c);
        // A checkpoint is a record this read emitted, or the floor it started from; never past the clocks.
        if (c !== undefined && c !== start && !seenAt.has(c)) throw new Error(`checkpoint ${c} is not the instant of a record emitted`);
        const ceiling = api.apiNow() > api.writer ? api.apiNow() : api.writer;
        if (c !== undefined && c > ceiling) throw new Error(`checkpoint ${c} is past the later of the two clocks (${ceiling})`);
      },
      restarted: () => {},
    },
  });
  return { result, emitted, checkpoints };
}

function scenario(random: () => number): Scenario {
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  return {
    records: pick([0, 1, 5, 99, 100, 101, 250, 600]),
    cap: pick([2, 3, 17, 50, 99, 100, 100]),
    emptyChance: pick([0, 0, 0.05, 0.2]),
    churnPerRequest: pick([0, 0, 1, 5, 20, 60, 150]),
    digits: pick([0, 1, 3, 6]),
    skewSeconds: pick([0, 30, -30, 3600, -3600]),
    future: random() < 0.3,
    inFlight: pick([1, 2, 8]),
  };
}

describe('readWindows against a model of the contract (random caps, churn, ties, skew, future stamps)', () => {
  const RUNS = 120;
  test(`${RUNS} random scenarios: every invariant holds on every run`, async () => {
    const tally = { complete: 0, outpaced: 0 };
    for (let seed = 1; seed <= RUNS; seed++) {
      const random = prng(seed);
      const s = scenario(random);
      const api = new ModelApi(s, random);
      const atStart = api.versions();
      const held = atStart.size;
      const where = `seed ${seed} ${JSON.stringify(s)}`;

      const first = await read(api, undefined, s.inFlight);
      tally[first.result.outcome.kind]++;
      // Bounded by the data: never more than three times what the stream held (at least a page's worth).
      const emittedCount = first.checkpoints.length ? [...first.emitted.values()].length : 0;
      expect({ where, bounded: emittedCount <= 3 * Math.max(held, 100) }).toEqual({ where, bounded: true });
      // Checkpoints only move forward.
      const cps = first.checkpoints.filter((c): c is bigint => c !== undefined);
      expect({ where, monotonic: cps.every((c, i) => i === 0 || c >= cps[i - 1]) }).toEqual({ where, monotonic: true });

      if (first.result.outcome.kind === 'complete') {
        // COMPLETE means every record that existed at the start was emitted, at that version or a later one.
        const missing = [...atStart].filter(([id, v]) => (first.emitted.get(id) ?? 0) < v).map(([id]) => id);
        expect({ where, missing }).toEqual({ where, missing: [] });
      }

      // Whatever the outcome, the next sync from the last checkpoint loses nothing: a few updates between the
      // syncs, then a quiet read; every record's latest version is emitted by one of the two.
      api.churn = 0;
      for (let k = 0; k < 5 && api.rows.length; k++) {
        api.writer += 1000n;
        const pickable = api.rows.filter((r) => r.at < FUTURE);
        if (pickable.length) api.move(pickable[Math.floor(random() * pickable.length)].id, api.truncate(api.writer));
      }
      const last = first.checkpoints.at(-1);
      const second = await read(api, last, s.inFlight);
      expect({ where, second: second.result.outcome.kind }).toEqual({ where, second: 'complete' });
      const lost = [...api.versions()].filter(([id, v]) => Math.max(first.emitted.get(id) ?? 0, second.emitted.get(id) ?? 0) < v).map(([id]) => id);
      expect({ where, lost }).toEqual({ where, lost: [] });
    }
    // The scenarios cover both outcomes.
    expect(tally.complete).toBeGreaterThan(0);
    expect(tally.outpaced).toBeGreaterThan(0);
  });
});
