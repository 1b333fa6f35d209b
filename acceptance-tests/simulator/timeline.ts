/**
 * The original updated_at of every record of an incremental resource, computed on demand.
 *
 * Records are cut into blocks of BLOCK_SIZE indices; block b covers its own slice of time
 * [START + b*span, START + (b+1)*span), so updated_at is non-decreasing with the index and
 * any index can be computed from its block alone. Inside a block, records form tie groups
 * sharing one instant exactly: mostly 1-10 records, some 11-40, and sometimes a bulk import
 * of 150-250 (always in block 0 when the block is big enough). Each group has a precision
 * class (0, 1, 2, 3 or 6 fraction digits) and an instant that needs exactly that many
 * digits; some groups follow the previous one by less than a second, so a '…:07Z' group is
 * often followed by a '…:07.5Z' one.
 */
import { Rng, hash } from './random';

export const BLOCK_SIZE = 256;
/** 2024-01-01T00:00:00Z */
export const TIMELINE_START = Date.UTC(2024, 0, 1) * 1000;
/** 2025-10-31T00:00:00Z: every generated updated_at lies before this. */
export const TIMELINE_END = Date.UTC(2025, 9, 31) * 1000;

const GRANULARITIES = [1_000_000, 100_000, 10_000, 1_000, 1];
const SLACK_PER_GROUP = 2_000_000; // alignment (<1 s) + a "close" gap (<1 s)
const CACHE_BLOCKS = 128;

export class Timeline {
  private readonly span: number;
  private readonly cache = new Map<number, Float64Array>();

  constructor(
    private readonly seed: number,
    private readonly salt: number,
    readonly count: number,
  ) {
    const blocks = Math.max(1, Math.ceil(count / BLOCK_SIZE));
    this.span = Math.floor((TIMELINE_END - TIMELINE_START) / blocks);
  }

  /** updated_at of record `index`, in microseconds. */
  at(index: number): number {
    const block = Math.floor(index / BLOCK_SIZE);
    return this.block(block)[index - block * BLOCK_SIZE];
  }

  /** The first index whose updated_at is >= micros (count if none). */
  lowerBound(micros: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid) < micros) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private block(block: number): Float64Array {
    const hit = this.cache.get(block);
    if (hit) {
      this.cache.delete(block);
      this.cache.set(block, hit);
      return hit;
    }
    const built = this.build(block);
    this.cache.set(block, built);
    if (this.cache.size > CACHE_BLOCKS) {
      const oldest = this.cache.keys().next().value as number;
      this.cache.delete(oldest);
    }
    return built;
  }

  private build(block: number): Float64Array {
    const len = Math.min(BLOCK_SIZE, this.count - block * BLOCK_SIZE);
    const rng = new Rng(hash(this.seed, this.salt, block, 0x71e));
    const sizes = groupSizes(rng, len, block === 0);

    const base = TIMELINE_START + block * this.span;
    const meanGap = Math.max(0, this.span - sizes.length * SLACK_PER_GROUP) / sizes.length;
    const out = new Float64Array(len);
    let t = base;
    let pos = 0;
    sizes.forEach((size, g) => {
      const close = g > 0 && rng.chance(0.2);
      const gap = close ? rng.int(1, 999_999) : Math.max(1, Math.floor(meanGap * rng.next()));
      const gran = pickGranularity(rng);
      let v = Math.ceil((t + gap) / gran) * gran;
      // Make the instant need exactly this many fraction digits (e.g. .5 rather than .50).
      if (gran < 1_000_000 && v % (gran * 10) === 0) v += gran;
      out.fill(v, pos, pos + size);
      pos += size;
      t = v;
    });
    return out;
  }
}

function groupSizes(rng: Rng, len: number, forceBulk: boolean): number[] {
  let bulkAt = -1;
  let bulkSize = 0;
  if (len >= 150 && (forceBulk || rng.chance(0.2))) {
    bulkSize = rng.int(150, Math.min(250, len));
    bulkAt = rng.int(0, Math.min(len - bulkSize, 40));
  }
  const sizes: number[] = [];
  let pos = 0;
  while (pos < len) {
    if (pos === bulkAt) {
      sizes.push(bulkSize);
      pos += bulkSize;
      continue;
    }
    const room = bulkAt > pos ? bulkAt - pos : len - pos;
    const r = rng.next();
    const size = r < 0.45 ? 1 : r < 0.9 ? rng.int(2, 10) : rng.int(11, 40);
    sizes.push(Math.min(size, room));
    pos += Math.min(size, room);
  }
  return sizes;
}

function pickGranularity(rng: Rng): number {
  const r = rng.next();
  if (r < 0.35) return GRANULARITIES[0];
  if (r < 0.5) return GRANULARITIES[1];
  if (r < 0.6) return GRANULARITIES[2];
  if (r < 0.8) return GRANULARITIES[3];
  return GRANULARITIES[4];
}
