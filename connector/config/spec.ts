import type { ConnectorSpecification } from '../protocol/messages';

/**
 * The connector's configuration, as the platform shows it to users.
 * Every tuning knob has its default and its reason right here; `config.ts`
 * validates user input against this schema and applies the defaults.
 */
export const DEFAULTS = {
  /** The vendor's production API. */
  base_url: 'https://api.example.com',
  /** Incremental syncs start this far before their state's cursor: 0, records are visible when stamped. */
  lookback_window_seconds: 0,
  /** The API's documented limit: 10 requests per second per key. */
  requests_per_second: 10,
  /** The API's documented burst allowance: 20 requests. */
  burst: 20,
  /** Page requests in flight at once; the rate limit still applies on top. */
  max_concurrent_requests: 8,
  /** One request's budget, from sending to the last byte of the body. */
  request_timeout_seconds: 60,
  /** How long one request may keep retrying 429/5xx/network errors before the stream fails. */
  max_retry_seconds: 300,
  /** First backoff delay; each retry doubles it (with full jitter), up to 60 s. */
  retry_initial_delay_seconds: 1,
} as const;

export const connectionSpecification = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Inventory Analytics Source Spec',
  type: 'object',
  required: ['api_key'],
  additionalProperties: true,
  properties: {
    api_key: {
      type: 'string',
      title: 'API Key',
      description: 'Your Inventory Analytics API key (Settings → API keys in the Inventory Analytics dashboard).',
      airbyte_secret: true,
      minLength: 1,
      order: 0,
    },
    base_url: {
      type: 'string',
      title: 'Base URL',
      description: 'Root URL of the API, without the /v1 path. Change it only for a regional endpoint, a proxy or a test server.',
      default: DEFAULTS.base_url,
      pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*)?$',
      pattern_descriptor: 'http(s)://host[:port][/path]',
      examples: ['https://api.example.com'],
      order: 1,
    },
    start_date: {
      type: 'string',
      title: 'Start Date',
      description:
        'Optional. Records last updated before this instant are never read. RFC 3339 date-time, e.g. 2024-01-01T00:00:00Z. Leave empty to read all history.',
      format: 'date-time',
      pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})$',
      pattern_descriptor: 'YYYY-MM-DDTHH:mm:ssZ',
      examples: ['2024-01-01T00:00:00Z'],
      order: 2,
    },
    end_date: {
      type: 'string',
      title: 'End Date',
      description:
        'Optional. Records updated at or after this instant are not read (a bounded backfill); the state never passes it. RFC 3339 date-time, after start_date. Leave empty to read up to the latest record.',
      format: 'date-time',
      pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})$',
      pattern_descriptor: 'YYYY-MM-DDTHH:mm:ssZ',
      examples: ['2025-01-01T00:00:00Z'],
      order: 3,
    },
    lookback_window_seconds: {
      type: 'number',
      title: 'Lookback Window (seconds)',
      description:
        'Each incremental sync starts this many seconds before the cursor of its state and reads those records again (the destination dedupes them on id). For APIs whose records become visible only some time after they were stamped, e.g. behind read replicas: set it above that delay.',
      default: DEFAULTS.lookback_window_seconds,
      minimum: 0,
      maximum: 2592000,
      order: 4,
    },
    requests_per_second: {
      type: 'number',
      title: 'Requests per Second',
      description: `Steady request rate towards the API. The API allows ${DEFAULTS.requests_per_second} per second per key; lower it when other tools share the key.`,
      default: DEFAULTS.requests_per_second,
      exclusiveMinimum: 0,
      maximum: 100000,
      order: 5,
    },
    burst: {
      type: 'integer',
      title: 'Burst',
      description: `Requests that may go out at once before the steady rate applies. The API allows bursts of ${DEFAULTS.burst}.`,
      default: DEFAULTS.burst,
      minimum: 1,
      maximum: 100000,
      order: 6,
    },
    max_concurrent_requests: {
      type: 'integer',
      title: 'Concurrent Requests',
      description: 'Page requests in flight at once. Records are still emitted in order; more only helps when the API is slow to answer.',
      default: DEFAULTS.max_concurrent_requests,
      minimum: 1,
      maximum: 32,
      order: 7,
    },
    request_timeout_seconds: {
      type: 'number',
      title: 'Request Timeout (seconds)',
      description: 'A request that has not completed in this time is abandoned and retried.',
      default: DEFAULTS.request_timeout_seconds,
      exclusiveMinimum: 0,
      maximum: 600,
      order: 8,
    },
    max_retry_seconds: {
      type: 'number',
      title: 'Maximum Retry Time (seconds)',
      description:
        'How long one request may keep retrying rate limits (429), server errors (500/502/503/504), timeouts and dropped connections before the stream is marked failed. Progress already checkpointed is kept.',
      default: DEFAULTS.max_retry_seconds,
      minimum: 0,
      maximum: 3600,
      order: 9,
    },
    retry_initial_delay_seconds: {
      type: 'number',
      title: 'Initial Retry Delay (seconds)',
      description: 'First backoff delay after a failed request; each further retry doubles it, with jitter, up to 60 seconds.',
      default: DEFAULTS.retry_initial_delay_seconds,
      minimum: 0,
      maximum: 60,
      order: 10,
    },
  },
} as const;

export const SPECIFICATION: ConnectorSpecification = {
  documentationUrl: 'https://docs.airbyte.com/integrations/sources/inventory-analytics',
  connectionSpecification: connectionSpecification as unknown as Record<string, unknown>,
};
