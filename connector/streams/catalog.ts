import type { AirbyteStream } from '../protocol/messages';
import { StreamDefinition, STREAMS } from './definitions';

/** What `discover` reports for one stream definition. */
export function toAirbyteStream(def: StreamDefinition): AirbyteStream {
  const base: AirbyteStream = {
    name: def.name,
    json_schema: def.jsonSchema,
    supported_sync_modes: def.cursor ? ['full_refresh', 'incremental'] : ['full_refresh'],
    source_defined_primary_key: def.primaryKey,
  };
  if (!def.cursor) return { ...base, is_resumable: false };
  return { ...base, source_defined_cursor: true, default_cursor_field: [def.cursor.field], is_resumable: true };
}

export const discoverCatalog = (): AirbyteStream[] => STREAMS.map(toAirbyteStream);
