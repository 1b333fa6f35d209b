import { resumeFrom, stateBlob, StreamShape } from './stream-state';
import { parseTimestamp } from './timestamp';

const items: StreamShape = { name: 'items', cursorField: 'updated_at' };
const summaries: StreamShape = { name: 'stock_summaries' };
const at = (s: string) => parseTimestamp(s)!;

describe('resumeFrom', () => {
  test('no state, an empty blob: from the start, silently', () => {
    for (const mode of ['incremental', 'full_refresh'] as const) {
      expect(resumeFrom(items, mode, undefined)).toEqual({ point: { kind: 'start' } });
      expect(resumeFrom(items, mode, {})).toEqual({ point: { kind: 'start' } });
    }
  });

  test('incremental: the cursor, as an instant', () => {
    expect(resumeFrom(items, 'incremental', { updated_at: '2024-05-01T10:00:00.5Z' }).point).toEqual({ kind: 'cursor', cursor: at('2024-05-01T10:00:00.5Z') });
  });

  test('full refresh under way: its position, with an INFO that says where it goes on from', () => {
    const r = resumeFrom(items, 'full_refresh', { full_refresh_in_progress: { updated_at: '2024-05-01T10:00:00Z' } });
    expect(r.point).toEqual({ kind: 'cursor', cursor: at('2024-05-01T10:00:00Z') });
    expect(r.note).toEqual({ level: 'INFO', message: expect.stringMatching(/items: resuming the unfinished full refresh from updated_at 2024-05-01T10:00:00.000000Z/) });
    expect(resumeFrom(summaries, 'full_refresh', { full_refresh_in_progress: { id: 'sum_00000042', offset: 41 } }).point).toEqual({
      kind: 'position',
      id: 'sum_00000042',
      offset: 41,
    });
  });

  test('a finished full refresh is never a resume point: the next one reads from the start, silently', () => {
    expect(resumeFrom(items, 'full_refresh', { __ab_full_refresh_sync_complete: true })).toEqual({ point: { kind: 'start' } });
    expect(resumeFrom(summaries, 'full_refresh', { __ab_no_cursor_state_message: true })).toEqual({ point: { kind: 'start' } });
  });

  test.each([
    ['a full refresh position handed to an incremental read', 'incremental', { full_refresh_in_progress: { updated_at: '2024-05-01T10:00:00Z' } }, /from a full refresh/],
    ['a finished full refresh handed to an incremental read', 'incremental', { __ab_full_refresh_sync_complete: true }, /from a full refresh/],
    ['an incremental cursor handed to a full refresh', 'full_refresh', { updated_at: '2024-05-01T10:00:00Z' }, /from an incremental cursor/],
    ['an unrecognised blob', 'incremental', { page: 7 }, /unrecognised shape/],
  ] as const)('%s: starts over with a WARN (never a loss)', (_what, mode, blob, why) => {
    const r = resumeFrom(items, mode, blob);
    expect(r.point).toEqual({ kind: 'start' });
    expect(r.note?.level).toBe('WARN');
    expect(r.note?.message).toMatch(why);
    expect(r.note?.message).toMatch(/reading the stream from the start/);
  });

  test.each([
    ['an unreadable cursor', items, 'incremental', { updated_at: 'last tuesday' }, /items.*updated_at="last tuesday".*RFC 3339/],
    ['an unreadable cursor, even in the other mode', items, 'full_refresh', { updated_at: 1714557600 }, /items.*1714557600.*RFC 3339/],
    ['a position that is not an object', items, 'full_refresh', { full_refresh_in_progress: 'x' }, /items.*full_refresh_in_progress.*not an object/],
    ['a position without a cursor', items, 'full_refresh', { full_refresh_in_progress: { id: 'a' } }, /has no updated_at/],
    ['a position without id', summaries, 'full_refresh', { full_refresh_in_progress: { offset: 3 } }, /stock_summaries.*"id"/],
    ['a negative offset', summaries, 'full_refresh', { full_refresh_in_progress: { id: 'a', offset: -1 } }, /"offset" integer >= 0/],
  ] as const)('%s is a config_error naming the stream', (_what, stream, mode, blob, message) => {
    expect(() => resumeFrom(stream, mode, blob)).toThrow(message);
  });
});

describe('stateBlob', () => {
  test('incremental keeps the 0.1.0 format; full refresh nests its position and ends with the CDK marker', () => {
    const p = { kind: 'cursor' as const, cursor: at('2024-05-01T10:00:00.5Z') };
    expect(stateBlob(items, 'incremental', p)).toEqual({ updated_at: '2024-05-01T10:00:00.500000Z' });
    expect(stateBlob(items, 'full_refresh', p)).toEqual({ full_refresh_in_progress: { updated_at: '2024-05-01T10:00:00.500000Z' } });
    expect(stateBlob(summaries, 'full_refresh', { kind: 'position', id: 'x', offset: 5 })).toEqual({ full_refresh_in_progress: { id: 'x', offset: 5 } });
    expect(stateBlob(items, 'full_refresh', 'complete')).toEqual({ __ab_full_refresh_sync_complete: true });
    expect(stateBlob(items, 'incremental', { kind: 'start' })).toEqual({});
  });

  test('what a read writes, it reads back as the same point', () => {
    const points = [
      [items, 'incremental', { kind: 'cursor', cursor: at('2024-05-01T10:00:00.123456Z') }],
      [items, 'full_refresh', { kind: 'cursor', cursor: at('2024-05-01T10:00:00Z') }],
      [summaries, 'full_refresh', { kind: 'position', id: 'sum_1', offset: 0 }],
    ] as const;
    for (const [s, mode, p] of points) expect(resumeFrom(s, mode, stateBlob(s, mode, p)).point).toEqual(p);
  });
});
