import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { readInputState } from './input-state';

const dir = mkdtempSync(join(tmpdir(), 'state-test-'));
let n = 0;
const file = (text: string) => {
  const p = join(dir, `s${n++}.json`);
  writeFileSync(p, text);
  return p;
};
const streamMsg = (name: string, state: unknown) => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: state } });

describe('readInputState', () => {
  test('no file, an empty file and null mean no state', () => {
    expect(readInputState(undefined).size).toBe(0);
    expect(readInputState(file('')).size).toBe(0);
    expect(readInputState(file('  \n')).size).toBe(0);
    expect(readInputState(file('null')).size).toBe(0);
  });

  test('an array of STREAM messages (the protocol form)', () => {
    const s = readInputState(
      file(JSON.stringify([streamMsg('customers', { updated_at: '2024-05-01T10:00:00.5Z' }), streamMsg('items', null), streamMsg('orders', {})])),
    );
    expect(s.get('customers')).toEqual({ updated_at: '2024-05-01T10:00:00.5Z' });
    expect(s.has('items')).toBe(false); // null: a reset stream
    expect(s.get('orders')).toEqual({});
  });

  test('GLOBAL stream_states and a legacy object are read too', () => {
    const g = readInputState(file(JSON.stringify([{ type: 'GLOBAL', global: { stream_states: [{ stream_descriptor: { name: 'items' }, stream_state: { updated_at: '2024-01-01T00:00:00Z' } }] } }])));
    expect(g.get('items')).toEqual({ updated_at: '2024-01-01T00:00:00Z' });
    const legacy = readInputState(file(JSON.stringify({ orders: { updated_at: '2024-01-01T00:00:00Z' } })));
    expect(legacy.get('orders')).toEqual({ updated_at: '2024-01-01T00:00:00Z' });
  });

  test.each([
    ['not JSON', '[{"type":', /not valid JSON/],
    ['a number', '42', /wrong shape/],
    ['a message without a stream name', JSON.stringify([{ type: 'STREAM', stream: { stream_state: {} } }]), /wrong shape/],
    ['a stream_state that is not an object', JSON.stringify([streamMsg('items', 'x')]), /wrong shape/],
  ])('%s is a config_error saying what to fix', (_what, text, pattern) => {
    expect(() => readInputState(file(text))).toThrow(pattern);
  });

  test('a missing file is a config_error', () => {
    expect(() => readInputState(join(dir, 'nope.json'))).toThrow(/does not exist/);
  });
});
