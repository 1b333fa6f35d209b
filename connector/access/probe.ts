import type { ApiClient } from '../http/api-client';
import { classifyFailure, FailureKind, RequestFailure } from '../http/request-failure';
import type { StreamDefinition } from '../streams/definitions';

/** The part of the API client a probe needs (a stub in unit tests). */
export type PageSource = Pick<ApiClient, 'getJson'>;

export type StreamAccess = { stream: string; readable: true } | { stream: string; readable: false; failure: RequestFailure };

/**
 * Failures that are the key's, the network's or base_url's, not one stream's: every other stream would fail
 * the same way (a redirect: the same base_url serves them all).
 */
const KEY_WIDE: ReadonlySet<FailureKind> = new Set<FailureKind>(['key_rejected', 'network_setup', 'redirected', 'rate_limited', 'unreachable']);

/**
 * Whether the key can read each stream: one request for a single record
 * (`limit=1`) per stream. The first stream is asked alone; when its answer
 * condemns the key or the network (401, a rate limit that outlasts the retry
 * budget, no answer, a redirect) the others are given the same answer without a request,
 * otherwise they are all asked at once (the rate limiter paces them). A
 * request still pending when `signal` aborts counts as no answer. Never rejects.
 */
export async function probeStreams(client: PageSource, defs: readonly StreamDefinition[], baseUrl: string, signal?: AbortSignal): Promise<StreamAccess[]> {
  const probe = async (def: StreamDefinition): Promise<StreamAccess> => {
    try {
      await client.getJson(def.name, def.path, { [def.paginator.limitParam]: 1 }, { signal });
      return { stream: def.name, readable: true };
    } catch (err) {
      const failure: RequestFailure =
        signal?.aborted && err === signal.reason ? { kind: 'unreachable', reason: `the API at ${baseUrl} did not answer in time` } : classifyFailure(err, baseUrl);
      return { stream: def.name, readable: false, failure };
    }
  };
  if (!defs.length) return [];
  const first = await probe(defs[0]);
  if (!first.readable && KEY_WIDE.has(first.failure.kind)) {
    return [first, ...defs.slice(1).map((def): StreamAccess => ({ stream: def.name, readable: false, failure: first.failure }))];
  }
  return [first, ...(await Promise.all(defs.slice(1).map(probe)))];
}
