/**
 * The read guarantees, stated as invariants over one connector run against a
 * contract server, checked from what the run printed and what the server
 * holds. Versions are told apart by the JSON text the server wrote for each
 * (server.history), so a later version that shares an instant with an
 * earlier one (whole-second stamps) counts as later.
 */
import type { ContractServer, Resource } from '../contract-server';
import { parseStamp } from '../contract-server';
import type { Message, RunResult } from '../helpers/run-connector';

export interface Snapshot {
  /** id → index of its current version in server.history. */
  versions: Map<string, number>;
  /** id → its current updated_at. */
  stamps: Map<string, string>;
}

/** The server's records of `resource` right now, as version indexes (the "records that existed at the start"). */
export function snapshot(server: ContractServer, resource: Resource): Snapshot {
  const history = server.history(resource);
  const versions = new Map<string, number>();
  const stamps = new Map<string, string>();
  for (const r of server.records(resource)) {
    versions.set(String(r.id), history.get(String(r.id))!.length - 1);
    stamps.set(String(r.id), String(r.updated_at));
  }
  return { versions, stamps };
}

/** id → the latest version index among the records a run emitted (-1 for a version the server never wrote). */
export function emittedVersions(server: ContractServer, resource: Resource, ...runs: RunResult[]): Map<string, number> {
  const history = server.history(resource);
  const best = new Map<string, number>();
  for (const run of runs) {
    for (const r of run.records(resource)) {
      const id = String(r.data.id);
      const v = history.get(id)?.indexOf(JSON.stringify(r.data)) ?? -1;
      best.set(id, Math.max(v, best.get(id) ?? -1));
    }
  }
  return best;
}

/** Records of the snapshot whose version (or a later one) no run emitted. */
export function missing(server: ContractServer, resource: Resource, at: Snapshot, ...runs: RunResult[]): string[] {
  const got = emittedVersions(server, resource, ...runs);
  return [...at.versions].filter(([id, v]) => (got.get(id) ?? -1) < v).map(([id]) => id);
}

/** The cursor a STATE message carries, for either mode (undefined for the completion marker or an empty state). */
export function stateCursor(state: Message): string | undefined {
  const blob = state.stream.stream_state as Record<string, unknown>;
  const inProgress = blob.full_refresh_in_progress as Record<string, unknown> | undefined;
  const c = blob.updated_at ?? inProgress?.updated_at;
  return typeof c === 'string' ? c : undefined;
}

/**
 * "A checkpoint is a record this sync emitted": every STATE cursor of the
 * stream is the instant of a record emitted before it in the same run, or the
 * floor the run started from. Returns the violations.
 */
export function checkpointsThatAreNotRecords(run: RunResult, resource: Resource, floor?: string): string[] {
  const seen = new Set<bigint>();
  const floorAt = floor === undefined ? undefined : parseStamp(floor);
  const bad: string[] = [];
  for (const m of run.messages) {
    if (m.type === 'RECORD' && m.record.stream === resource) seen.add(parseStamp(String(m.record.data.updated_at))!);
    if (m.type === 'STATE' && m.state.stream.stream_descriptor.name === resource) {
      const c = stateCursor(m.state);
      if (c === undefined) continue;
      const at = parseStamp(c);
      if (at === undefined || (!seen.has(at) && at !== floorAt)) bad.push(c);
    }
  }
  return bad;
}

/** Cursors of the run's STATEs later than `ceilingMs` (the later of the API's clock and the local one after the run). */
export function checkpointsInTheFuture(run: RunResult, resource: Resource, ceilingMs: number): string[] {
  const ceiling = BigInt(ceilingMs) * 1000n;
  return run
    .states(resource)
    .map(stateCursor)
    .filter((c): c is string => c !== undefined && parseStamp(c)! > ceiling);
}

export const finalStatus = (run: RunResult, resource: Resource) => run.statuses(resource).at(-1);

/** The WARN a read that updates outpaced says, if it said it. */
export const outpacedWarnings = (run: RunResult, resource: Resource): string[] =>
  run
    .ofType('LOG')
    .filter((m) => m.log.level === 'WARN' && String(m.log.message).startsWith(`${resource}: the list changes faster than it can be read`))
    .map((m) => String(m.log.message));
