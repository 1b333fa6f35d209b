import { ApiClient } from '../http/api-client';
import type { CloudGuard } from '../http/cloud-guard';
import { classifyFailure, FailureKind } from '../http/request-failure';
import { AirbyteStream, catalog } from '../protocol/messages';
import type { Output } from '../protocol/output';
import { JsonSchema } from '../schema/infer';
import { sampleStreams, StreamSample } from '../schema/sampler';
import { withUndeclaredProperties } from '../schema/undeclared-properties';
import { toAirbyteStream } from '../streams/catalog';
import { STREAMS } from '../streams/definitions';
import { loadConfig } from './load-config';

/**
 * discover must answer quickly even when the API does not: short requests, a
 * small retry budget, and a deadline for the whole sampling, after which every
 * pending request is abandoned (the config's values apply when they are shorter).
 */
export const DISCOVER_TIMEOUT_MS = 5_000;
export const DISCOVER_RETRY_MS = 5_000;
export const DISCOVER_DEADLINE_MS = 20_000;

/**
 * The streams are fixed by the API contract; their fields are not: the API may
 * add fields at any time. discover samples a page at each end of every stream
 * (connector/schema/sampler.ts) and returns each checked-in schema plus an
 * inferred property for every field it does not declare. A stream that cannot
 * be sampled keeps its checked-in schema and a WARN says why: discover fails
 * only on a bad config (or, in Cloud mode, a base_url `guard` refuses), never
 * because the API did not answer.
 */
export async function runDiscover(configPath: string, output: Output, guard?: CloudGuard): Promise<number> {
  const config = loadConfig(configPath, output);
  const client = await ApiClient.open(config, {
    timeoutMs: Math.min(config.requestTimeoutMs, DISCOVER_TIMEOUT_MS),
    maxRetryMs: Math.min(config.maxRetryMs, DISCOVER_RETRY_MS),
    guard,
  });
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error('deadline')), DISCOVER_DEADLINE_MS);
  let samples: StreamSample[];
  try {
    samples = await sampleStreams(client, STREAMS, deadline.signal);
  } finally {
    clearTimeout(timer);
    client.close();
  }

  // Streams that failed the same way share one WARN (an API that is down is one message, not six).
  const unsampled = new Map<string, { streams: string[]; reason: string; kind?: FailureKind }>();
  const why = (error: unknown) => {
    const failure = error === deadline.signal.reason ? undefined : classifyFailure(error, config.baseUrl);
    return { failure, reason: failure?.reason ?? `no complete answer within ${DISCOVER_DEADLINE_MS / 1000} s` };
  };
  const streams: AirbyteStream[] = STREAMS.map((def, i) => {
    const sample = samples[i];
    if (!sample.ok) {
      const { failure, reason } = why(sample.error);
      const key = failure === undefined ? 'deadline' : failure.kind === 'other' ? reason : failure.kind;
      const group = unsampled.get(key) ?? { streams: [], reason, kind: failure?.kind };
      group.streams.push(def.name);
      unsampled.set(key, group);
      return toAirbyteStream(def);
    }
    const { schema, added } = withUndeclaredProperties(def.jsonSchema, sample.records);
    const at =
      sample.newestError === undefined
        ? `offset${sample.offsets.length > 1 ? 's' : ''} ${sample.offsets.join(' and ')}`
        : `offset 0 only; the newest page failed: ${why(sample.newestError).reason}`;
    const found = added.length
      ? `${added.length} field${added.length > 1 ? 's' : ''} the checked-in schema does not declare, added with inferred types: ` +
        added.map((name) => `${name} (${typeLabel((schema.properties as Record<string, JsonSchema>)[name])})`).join(', ')
      : 'every field is declared in the checked-in schema';
    output.log('INFO', `Discover sampled ${sample.records.length} records of ${def.name} (${at}): ${found}.`);
    return toAirbyteStream(def, schema);
  });
  for (const { streams: names, reason, kind } of unsampled.values()) output.log('WARN', unsampledWarning(names, reason, kind));
  output.emit(catalog(streams));
  return 0;
}

function unsampledWarning(names: string[], reason: string, kind: FailureKind | undefined): string {
  const one = names.length === 1;
  const next =
    kind === 'key_rejected'
      ? 'Check the API key in the connector settings, then refresh the source schema.'
      : kind === 'forbidden'
        ? 'A stream the key may not read cannot be synced either: deselect it or ask the account owner for access.'
        : kind === 'network_setup'
          ? 'Refresh the source schema once the network settings are fixed.'
          : 'Refresh the source schema once the API answers to pick up fields it has added.';
  return (
    `Discover could not sample ${names.join(', ')}: ${reason}. ${one ? 'Its schema is the checked-in one' : 'Their schemas are the checked-in ones'}, ` +
    `without fields the API may have added. ${next}`
  );
}

/** "string", "date-time", "object", … or "any" for a property inferred as {}. */
function typeLabel(schema: JsonSchema): string {
  if (schema.format === 'date-time') return 'date-time';
  const types = Array.isArray(schema.type) ? schema.type.filter((t) => t !== 'null') : [];
  return types.length ? types.join('|') : 'any';
}
