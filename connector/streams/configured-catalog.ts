import { configError } from '../protocol/errors';
import type { SyncMode } from '../protocol/messages';
import { StreamDefinition, streamByName, STREAMS } from './definitions';

/** One stream to read, in the mode the platform asked for. */
export interface StreamPlan {
  def: StreamDefinition;
  syncMode: SyncMode;
  /** The configured catalog's json_schema for the stream: the fields the platform will write. */
  jsonSchema?: unknown;
}

/**
 * Checks the configured catalog completely before anything is read: every
 * stream must exist and be asked for in a mode it supports. One bad entry
 * fails the whole read with a config_error, before any record is emitted.
 */
export function planStreams(raw: unknown): { plans: StreamPlan[]; warnings: string[] } {
  const streams = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).streams : undefined;
  if (!Array.isArray(streams)) {
    throw configError('The catalog must be a JSON object with a "streams" array (a ConfiguredAirbyteCatalog). Run discover and configure it again.');
  }
  const problems: string[] = [];
  const warnings: string[] = [];
  const plans: StreamPlan[] = [];
  const seen = new Set<string>();
  const known = STREAMS.map((s) => s.name).join(', ');
  streams.forEach((entry, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const name = (e.stream as Record<string, unknown> | undefined)?.name;
    if (typeof name !== 'string') {
      problems.push(`entry ${i} has no stream.name`);
      return;
    }
    const def = streamByName(name);
    if (!def) {
      problems.push(`stream '${name}' does not exist in this source (streams: ${known})`);
      return;
    }
    if (seen.has(name)) {
      problems.push(`stream '${name}' is listed twice`);
      return;
    }
    seen.add(name);
    const mode = e.sync_mode ?? 'full_refresh';
    const supported: SyncMode[] = def.cursor ? ['full_refresh', 'incremental'] : ['full_refresh'];
    if (!supported.includes(mode as SyncMode)) {
      problems.push(`stream '${name}' cannot be read with sync_mode ${JSON.stringify(mode)} (supported: ${supported.join(', ')})`);
      return;
    }
    const cursorField = e.cursor_field;
    if (mode === 'incremental' && Array.isArray(cursorField) && cursorField.length && cursorField.join('.') !== def.cursor!.field) {
      warnings.push(`stream '${name}': cursor_field ${JSON.stringify(cursorField)} ignored; this source defines the cursor as ${def.cursor!.field}`);
    }
    plans.push({ def, syncMode: mode as SyncMode, jsonSchema: (e.stream as Record<string, unknown>).json_schema });
  });
  if (problems.length) throw configError(`The configured catalog is invalid: ${problems.join('; ')}. Run discover and configure the connection again.`);
  return { plans, warnings };
}
