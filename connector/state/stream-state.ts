import { configError } from '../protocol/errors';
import type { SyncMode } from '../protocol/messages';
import { formatTimestamp, Micros, parseTimestamp } from './timestamp';

/**
 * What a stream's STATE says, both ways: the blob the platform hands back is
 * turned into a resume point for the mode the stream is read in, and a read's
 * position is turned into the blob of its next STATE.
 *
 * Blobs, one per kind of progress:
 *
 * - Incremental: `{"updated_at": "<cursor>"}`, inclusive: the next read asks
 *   for `updated_since` = cursor. (Unchanged since 0.1.0.)
 * - Full refresh under way: `{"full_refresh_in_progress": {...}}`, the
 *   position of the last record emitted, so a failed attempt goes on from
 *   there: `{"updated_at": "<cursor>"}` for streams ordered by updated_at,
 *   `{"id": "<id>", "offset": n}` for stock_summaries (ordered by id, no
 *   filter): the pager looks for that id at that offset, and behind it.
 * - Full refresh done: `{"__ab_full_refresh_sync_complete": true}`, what the
 *   Airbyte CDK's resumable full refresh writes (FULL_REFRESH_COMPLETE_STATE in
 *   airbyte_cdk/sources/streams/checkpoint). It is never a resume point: the
 *   next full refresh reads the stream from the start.
 *
 * A blob of the other mode (a full refresh's handed to an incremental read,
 * an incremental cursor handed to a full refresh) is not trusted as a resume
 * point: the read starts over, with a WARN, which can only duplicate.
 */
export type ResumePoint =
  | { kind: 'start' }
  /** Records at or after this updated_at are still to read. */
  | { kind: 'cursor'; cursor: Micros }
  /** stock_summaries: the last record emitted and where it was. */
  | { kind: 'position'; id: string; offset: number };

export interface StreamShape {
  name: string;
  /** The cursor field, for streams ordered by it. */
  cursorField?: string;
}

export const FULL_REFRESH_COMPLETE = '__ab_full_refresh_sync_complete';
const IN_PROGRESS = 'full_refresh_in_progress';
/** What the CDK writes as the only state of a full refresh that cannot checkpoint: no position. */
const NO_CURSOR = '__ab_no_cursor_state_message';

export interface Resumption {
  point: ResumePoint;
  /** Said once when the read starts: why a state was set aside, or where a full refresh goes on from. */
  note?: { level: 'WARN' | 'INFO'; message: string };
}

const START: ResumePoint = { kind: 'start' };

/** The resume point of one stream; a blob that cannot be read is a config_error naming the stream. */
export function resumeFrom(stream: StreamShape, mode: SyncMode, blob: Record<string, unknown> | undefined): Resumption {
  if (!blob || Object.keys(blob).length === 0) return { point: START };
  const cursorField = stream.cursorField;
  const incremental = cursorField !== undefined ? blob[cursorField] : undefined;
  const inProgress = blob[IN_PROGRESS];

  if (mode === 'incremental' && cursorField !== undefined && incremental !== undefined && incremental !== null) {
    return { point: { kind: 'cursor', cursor: timestampIn(stream.name, cursorField, incremental) } };
  }
  if (mode === 'full_refresh' && inProgress !== undefined && inProgress !== null) {
    const point = positionIn(stream, inProgress);
    const where = point.kind === 'cursor' ? `${cursorField} ${formatTimestamp(point.cursor)}` : point.kind === 'position' ? `record ${JSON.stringify(point.id)}` : 'the start';
    return { point, note: { level: 'INFO', message: `${stream.name}: resuming the unfinished full refresh from ${where}.` } };
  }
  if (mode === 'full_refresh' && (blob[FULL_REFRESH_COMPLETE] === true || blob[NO_CURSOR] === true)) return { point: START };

  const kind =
    incremental !== undefined ? 'an incremental cursor' : inProgress !== undefined || blob[FULL_REFRESH_COMPLETE] !== undefined ? 'a full refresh' : 'an unrecognised shape';
  // Still a config_error when the cursor itself is unreadable: the state is broken, not just of the other mode.
  if (incremental !== undefined && incremental !== null && cursorField !== undefined) timestampIn(stream.name, cursorField, incremental);
  return {
    point: START,
    note: {
      level: 'WARN',
      message:
        `${stream.name}: the state handed to this ${mode === 'incremental' ? 'incremental' : 'full refresh'} read is from ${kind} ` +
        `(${JSON.stringify(blob).slice(0, 200)}), not a place this read can resume from; reading the stream from the start.`,
    },
  };
}

/** The STATE blob for a read that has got this far, or that finished a full refresh ('complete'). */
export function stateBlob(stream: StreamShape, mode: SyncMode, point: ResumePoint | 'complete'): Record<string, unknown> {
  if (point === 'complete') {
    if (mode !== 'full_refresh') throw new Error('only a full refresh completes');
    return { [FULL_REFRESH_COMPLETE]: true };
  }
  const position = (p: ResumePoint): Record<string, unknown> => {
    switch (p.kind) {
      case 'start':
        return {};
      case 'cursor':
        return { [stream.cursorField ?? 'updated_at']: formatTimestamp(p.cursor) };
      case 'position':
        return { id: p.id, offset: p.offset };
    }
  };
  if (mode === 'incremental') return position(point);
  return point.kind === 'start' ? {} : { [IN_PROGRESS]: position(point) };
}

function timestampIn(stream: string, field: string, value: unknown): Micros {
  const at = parseTimestamp(value);
  if (at === undefined) {
    throw configError(
      `The state for stream '${stream}' has ${field}=${JSON.stringify(value)}, which is not an RFC 3339 timestamp ` +
        `(e.g. 2024-05-01T10:00:00Z). Fix the state or reset the stream.`,
    );
  }
  return at;
}

function positionIn(stream: StreamShape, value: unknown): ResumePoint {
  const bad = (what: string) =>
    configError(
      `The state for stream '${stream.name}' has ${IN_PROGRESS}=${JSON.stringify(value).slice(0, 200)}, which ${what}. ` +
        `Fix the state or reset the stream (a full refresh can always start over).`,
    );
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw bad('is not an object');
  const v = value as Record<string, unknown>;
  if (stream.cursorField !== undefined) {
    if (v[stream.cursorField] === undefined) throw bad(`has no ${stream.cursorField}`);
    return { kind: 'cursor', cursor: timestampIn(stream.name, `${IN_PROGRESS}.${stream.cursorField}`, v[stream.cursorField]) };
  }
  if (typeof v.id !== 'string' || v.id === '') throw bad('has no "id" string');
  if (!Number.isSafeInteger(v.offset) || (v.offset as number) < 0) throw bad('has no "offset" integer >= 0');
  return { kind: 'position', id: v.id, offset: v.offset as number };
}
