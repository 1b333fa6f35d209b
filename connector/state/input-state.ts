import { existsSync, readFileSync } from 'fs';
import { jsonErrorWhere } from '../config/config';
import { configError } from '../protocol/errors';

/** The stream_state blob per stream name, from the --state file (see stream-state.ts for what a blob means). */
export type InputState = Map<string, Record<string, unknown>>;

/**
 * Reads the state the platform hands back, one blob per stream, checked for
 * shape only (what a blob says is read per stream by stream-state.ts): a JSON array of STREAM state
 * messages (the current protocol), a GLOBAL message's stream_states, or a
 * legacy object keyed by stream name. A missing, empty or `null` file means no
 * state (Airbyte's acceptance tests pass --state with an empty file).
 * Anything else is a config_error that says how to fix it.
 */
export function readInputState(path: string | undefined): InputState {
  const state: InputState = new Map();
  if (path === undefined) return state;
  if (!existsSync(path)) throw configError(`The state file '${path}' does not exist. Pass the state the last sync emitted, or omit --state.`);
  const text = readFileSync(path, 'utf8').trim();
  if (text === '') return state;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw configError(`The state file '${path}' is not valid JSON (${jsonErrorWhere(err, text)}). Pass the state the last sync emitted, or omit --state.`);
  }
  if (raw === null) return state;

  const put = (stream: unknown, blob: unknown, where: string) => {
    if (typeof stream !== 'string' || stream === '') throw shape(`${where} has no stream_descriptor.name`);
    if (blob === null || blob === undefined) return; // a reset stream
    if (typeof blob !== 'object' || Array.isArray(blob)) throw shape(`the stream_state of '${stream}' is not an object`);
    state.set(stream, blob as Record<string, unknown>);
  };

  if (Array.isArray(raw)) {
    raw.forEach((msg, i) => {
      if (!msg || typeof msg !== 'object') throw shape(`entry ${i} is not an object`);
      const m = msg as Record<string, unknown>;
      const type = m.type ?? (m.stream ? 'STREAM' : m.global ? 'GLOBAL' : 'LEGACY');
      if (type === 'STREAM') {
        const s = m.stream as Record<string, unknown> | undefined;
        const desc = s?.stream_descriptor as Record<string, unknown> | undefined;
        put(desc?.name, s?.stream_state, `entry ${i}`);
      } else if (type === 'GLOBAL') {
        const states = (m.global as Record<string, unknown> | undefined)?.stream_states;
        if (!Array.isArray(states)) throw shape(`entry ${i} is GLOBAL without stream_states`);
        for (const s of states as Record<string, unknown>[]) {
          put((s?.stream_descriptor as Record<string, unknown> | undefined)?.name, s?.stream_state, `entry ${i}`);
        }
      } else if (type === 'LEGACY' && m.data && typeof m.data === 'object') {
        for (const [name, blob] of Object.entries(m.data as object)) put(name, blob, `entry ${i}`);
      } else {
        throw shape(`entry ${i} has type ${JSON.stringify(type)}`);
      }
    });
    return state;
  }
  if (typeof raw === 'object') {
    for (const [name, blob] of Object.entries(raw as object)) put(name, blob, `stream '${name}'`);
    return state;
  }
  throw shape('it is neither an array of state messages nor an object');
}

function shape(detail: string) {
  return configError(
    `The state file has the wrong shape (${detail}). Expected a JSON array of Airbyte STREAM state messages, ` +
      `e.g. [{"type":"STREAM","stream":{"stream_descriptor":{"name":"customers"},"stream_state":{"updated_at":"2024-05-01T10:00:00Z"}}}].`,
  );
}
