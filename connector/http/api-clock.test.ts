import { ApiClock } from './api-clock';

describe('ApiClock: the ceiling no checkpoint passes', () => {
  let local = 0;
  const us = (iso: string) => BigInt(Date.parse(iso)) * 1000n;
  const clock = () => new ApiClock(() => local);

  test('without any Date it is the local clock', () => {
    local = Date.parse('2026-11-27T12:00:00.700Z');
    const c = clock();
    c.observe(null);
    c.observe('not a date');
    expect(c.ceiling()).toBe(us('2026-11-27T12:00:00.700Z'));
  });

  test('a Date ahead of the local clock raises it: the later of the two clocks', () => {
    local = Date.parse('2026-11-27T12:00:00.700Z');
    const c = clock();
    c.observe('Fri, 27 Nov 2026 13:00:00 GMT'); // the API's clock an hour ahead
    expect(c.ceiling()).toBe(us('2026-11-27T12:59:59.300Z') + 700_000n);
    local += 2000;
    expect(c.ceiling()).toBe(us('2026-11-27T13:00:02Z'));
  });

  test('a Date behind the local clock leaves the local clock', () => {
    local = Date.parse('2026-11-27T12:00:00.700Z');
    const c = clock();
    c.observe('Fri, 27 Nov 2026 11:50:00 GMT');
    expect(c.ceiling()).toBe(us('2026-11-27T12:00:00.700Z'));
  });

  test('never ahead of the API: Date is stamped before the response arrives, so the largest lower bound is kept', () => {
    local = Date.parse('2026-11-27T13:00:05Z'); // the response took 5 s to arrive
    const c = clock();
    c.observe('Fri, 27 Nov 2026 14:00:00 GMT');
    expect(c.ceiling()).toBe(us('2026-11-27T14:00:00Z'));
    c.observe('Fri, 27 Nov 2026 13:59:00 GMT'); // a slower, older answer does not lower it
    expect(c.ceiling()).toBe(us('2026-11-27T14:00:00Z'));
  });
});
