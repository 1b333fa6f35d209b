import type { AirbyteStream } from '../protocol/messages';
import type { StreamDefinition } from './definitions';

/**
 * What `discover` reports for one stream definition: its checked-in schema,
 * or that schema extended with fields sampled from the API (connector/schema/).
 */
export function toAirbyteStream(def: StreamDefinition, jsonSchema: Record<string, unknown> = def.jsonSchema): AirbyteStream {
  const base: AirbyteStream = {
    name: def.name,
    json_schema: jsonSchema,
    supported_sync_modes: def.cursor ? ['full_refresh', 'incremental'] : ['full_refresh'],
    source_defined_primary_key: def.primaryKey,
  };
  // Every stream is resumable: a full refresh checkpoints its position after every page (state/stream-state.ts).
  // The protocol wants source_defined_cursor set whenever is_resumable is, synthetic cursors included.
  if (!def.cursor) return { ...base, source_defined_cursor: true, is_resumable: true };
  return { ...base, source_defined_cursor: true, default_cursor_field: [def.cursor.field], is_resumable: true };
}
