import type { ApiClient } from '../http/api-client';
import { selectPage } from '../records/selector';
import type { StreamDefinition } from '../streams/definitions';

/** The part of the API client the sampler needs (a stub in unit tests). */
export type PageSource = Pick<ApiClient, 'getJson'>;

export type StreamSample =
  | {
      stream: string;
      ok: true;
      records: Record<string, unknown>[];
      /** Offsets of the pages read: [0], or [0, offset of the newest page]. */
      offsets: number[];
      /** Why the newest page is missing when the first was read: the sample is the oldest records only. */
      newestError?: unknown;
    }
  | { stream: string; ok: false; error: unknown };

/**
 * Reads a page at each end of one stream: the oldest records (offset 0) and,
 * when the first page's `total` says there are more, the newest (the last
 * `limit` records, never overlapping the first page). New fields usually
 * appear on recently updated records, which incremental streams list last;
 * the oldest page shows what long-lived records look like. Two requests at
 * most, through the normal client (rate limiter, retries). A stream whose
 * answer has no `total`, or whose newest page fails, is sampled from its first
 * page only; one whose first page fails is not sampled.
 */
export async function sampleStream(client: PageSource, def: StreamDefinition, signal?: AbortSignal): Promise<StreamSample> {
  const { limit, offsetParam, limitParam } = def.paginator;
  const page = async (offset: number) => {
    const { body, label } = await client.getJson(def.name, def.path, { [offsetParam]: offset, [limitParam]: limit }, { signal });
    return selectPage(def, body, label);
  };
  let first;
  try {
    first = await page(0);
  } catch (error) {
    return { stream: def.name, ok: false, error };
  }
  const records = first.rows.map((r) => r.record);
  if (first.total === undefined || first.total <= limit) return { stream: def.name, ok: true, records, offsets: [0] };
  const newest = Math.max(limit, first.total - limit);
  try {
    records.push(...(await page(newest)).rows.map((r) => r.record));
    return { stream: def.name, ok: true, records, offsets: [0, newest] };
  } catch (newestError) {
    return { stream: def.name, ok: true, records, offsets: [0], newestError };
  }
}

/** Samples every stream at once (the rate limiter paces them); one result per stream, in order. Never rejects. */
export function sampleStreams(client: PageSource, defs: readonly StreamDefinition[], signal?: AbortSignal): Promise<StreamSample[]> {
  return Promise.all(defs.map((def) => sampleStream(client, def, signal)));
}
