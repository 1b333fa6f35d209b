import { ApiClock } from './api-clock';

describe('ApiClock', () => {
  let local = Date.parse('2026-11-27T12:00:00.700Z');
  const clock = () => new ApiClock({ marginWithoutDateMs: 300_000, now: () => local });
  const us = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

  test('without any Date it stays the margin behind the local clock', () => {
    local = Date.parse('2026-11-27T12:00:00.700Z');
    const c = clock();
    expect(c.synced).toBe(false);
    expect(c.now()).toBe(us('2026-11-27T11:55:00.700Z'));
    c.observe(null);
    c.observe('not a date');
    expect(c.synced).toBe(false);
  });

  test('a Date header sets the offset as a lower bound: never ahead of the API, even when the local clock is skewed', () => {
    local = Date.parse('2026-11-27T12:00:00.700Z');
    const c = clock();
    // The API's clock is 90 s behind ours; its Date has whole seconds.
    c.observe('Fri, 27 Nov 2026 11:58:30 GMT');
    expect(c.synced).toBe(true);
    expect(c.now()).toBe(us('2026-11-27T11:58:30.000Z'));
    local += 2_000;
    expect(c.now()).toBe(us('2026-11-27T11:58:32.000Z'));
  });

  test('keeps the tightest bound: a later response whose Date was stamped nearer its arrival raises it, an older one does not lower it', () => {
    local = Date.parse('2026-11-27T12:00:00.900Z');
    const c = clock();
    c.observe('Fri, 27 Nov 2026 12:00:00 GMT'); // offset >= -900 ms
    local = Date.parse('2026-11-27T12:00:01.050Z');
    c.observe('Fri, 27 Nov 2026 12:00:01 GMT'); // offset >= -50 ms
    c.observe('Fri, 27 Nov 2026 11:59:50 GMT'); // a stale, cached Date: ignored
    expect(c.now()).toBe(us('2026-11-27T12:00:01.000Z'));
  });

  test('latestAt() is an upper bound from the time the request left: Date + 1 s', () => {
    local = Date.parse('2026-11-27T12:00:00.300Z');
    const c = clock();
    expect(c.latestAt(local)).toBeUndefined();
    // Sent at .300, answered at .400 with Date 12:00:00: the API's clock was in [12:00:00, 12:00:01) meanwhile.
    local = Date.parse('2026-11-27T12:00:00.400Z');
    c.observe('Fri, 27 Nov 2026 12:00:00 GMT', local, Date.parse('2026-11-27T12:00:00.300Z'));
    expect(c.now()).toBe(us('2026-11-27T12:00:00.000Z'));
    expect(c.latestAt(local)).toBe(us('2026-11-27T12:00:01.100Z'));
    expect(c.msUntil(us('2026-11-27T12:00:01.100Z'))).toBe(1100);
    // A response stamped just after a second boundary narrows the lower bound to its round trip:
    // offset in [-20 ms, +700 ms] (the earlier response still gives the tighter ceiling).
    local = Date.parse('2026-11-27T12:00:01.020Z');
    c.observe('Fri, 27 Nov 2026 12:00:01 GMT', local, Date.parse('2026-11-27T12:00:01.010Z'));
    expect(c.now()).toBe(us('2026-11-27T12:00:01.000Z'));
    expect(c.latestAt(local)).toBe(us('2026-11-27T12:00:01.720Z'));
  });

  test('a record the API stamped a moment ago tightens now() past what Date alone allows', () => {
    local = Date.parse('2026-11-27T12:00:00.900Z');
    const c = clock();
    c.observe('Fri, 27 Nov 2026 12:00:00 GMT'); // offset >= -900 ms
    c.observeInstant(us('2026-11-27T12:00:00.880Z')); // offset >= -20 ms
    expect(c.now()).toBe(us('2026-11-27T12:00:00.880Z'));
    c.observeInstant(us('2026-11-27T11:00:00.000Z')); // an old record proves nothing new
    c.observeInstant(undefined);
    expect(c.now()).toBe(us('2026-11-27T12:00:00.880Z'));
  });
});
