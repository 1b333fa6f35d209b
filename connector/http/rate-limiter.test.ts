import { RateLimiter } from './rate-limiter';
import { PausedPastBudget } from './types';

/** A clock the test moves by hand, so nothing here depends on real time. */
function fakeClock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}
const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });

describe('RateLimiter', () => {
  test('a full bucket lets the burst through at once', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ perSecond: 10, burst: 20, now: clock.now });
    const seqs = [];
    for (let i = 0; i < 20; i++) seqs.push(await limiter.acquire());
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  test('X-RateLimit-Remaining lowers the local budget, counting what was sent since', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ perSecond: 10, burst: 20, now: clock.now });
    const first = await limiter.acquire();
    await limiter.acquire();
    await limiter.acquire(); // two more sent after `first`
    limiter.observe(headers({ 'x-ratelimit-remaining': '5' }), first);
    // at most 5 - 2 = 3 left: three go at once, the fourth must wait for a refill
    for (let i = 0; i < 3; i++) await limiter.acquire();
    let fourth = false;
    const pending = limiter.acquire().then(() => (fourth = true));
    await new Promise((r) => setImmediate(r));
    expect(fourth).toBe(false);
    clock.advance(100); // one token at 10/s
    await pending;
    expect(fourth).toBe(true);
  });

  test('after a 429 nobody is let through before the pause ends', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ perSecond: 10, burst: 20, now: clock.now });
    limiter.pauseUntil(clock.now() + 300);
    expect(limiter.pausedUntilMs).toBe(clock.now() + 300);
    let through = false;
    const pending = limiter.acquire().then(() => (through = true));
    await new Promise((r) => setImmediate(r));
    expect(through).toBe(false);
    clock.advance(400);
    await pending;
    expect(through).toBe(true);
  });

  test('paused: true exactly while a pause is in force, whatever tokens are left', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ perSecond: 10, burst: 20, now: clock.now });
    expect(limiter.paused).toBe(false);
    limiter.pauseUntil(clock.now() + 300);
    expect(limiter.paused).toBe(true);
    clock.advance(299);
    expect(limiter.paused).toBe(true);
    clock.advance(1);
    expect(limiter.paused).toBe(false);
  });

  test('a waiter whose budget ends before the pause does is turned away at once, with when the pause ends and who asked for it', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ perSecond: 10, burst: 20, now: clock.now });
    const until = clock.now() + 300; // the waiter below sleeps this long in real time
    limiter.pauseUntil(until, 429);
    const abort = new AbortController();
    const refused = await Promise.race([
      limiter.acquire(abort.signal, clock.now() + 200).catch((e: unknown) => e),
      new Promise((r) => setTimeout(() => r('still waiting after 1 s'), 1000)),
    ]);
    abort.abort(new Error('test over'));
    expect(refused).toBeInstanceOf(PausedPastBudget);
    expect([(refused as PausedPastBudget).until, (refused as PausedPastBudget).askedBy]).toEqual([until, 429]);
    // A budget that outlasts the pause waits for it.
    let through = false;
    const pending = limiter.acquire(undefined, until + 1).then(() => (through = true));
    await new Promise((r) => setImmediate(r));
    expect(through).toBe(false);
    clock.advance(300);
    await pending;
    expect(through).toBe(true);
  });

  test('a waiter whose signal aborts leaves at once, during a pause or while waiting its turn, and the queue moves on', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ perSecond: 10, burst: 20, now: clock.now });
    limiter.pauseUntil(clock.now() + 60_000); // a long Retry-After
    const abort = new AbortController();
    const head = limiter.acquire(abort.signal);
    const queued = limiter.acquire(abort.signal);
    const outcome = (p: Promise<number>) =>
      Promise.race([p.then(() => 'token', (e: Error) => e.message), new Promise((r) => setTimeout(() => r('still waiting after 1 s'), 1000))]);
    await new Promise((r) => setImmediate(r));
    abort.abort(new Error('deadline'));
    expect(await Promise.all([outcome(head), outcome(queued)])).toEqual(['deadline', 'deadline']);
    clock.advance(60_001);
    expect(await outcome(limiter.acquire())).toBe('token'); // no signal: waits out the pause as before
    const already = new AbortController();
    already.abort(new Error('gone'));
    expect(await outcome(limiter.acquire(already.signal))).toBe('gone');
  });

  test('headers without a remaining count change nothing', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ perSecond: 10, burst: 2, now: clock.now });
    limiter.observe(headers({}), 1);
    await limiter.acquire();
    await limiter.acquire();
  });
});
