import { AirbyteMessage, errorTrace, FailureType } from './messages';

/**
 * An error the connector understands: `message` is written for the person
 * running the sync (what failed and what to do), `internal` for the developer.
 * Neither may contain the api_key; the output redacts both anyway.
 */
/**
 * Set on the error of a request that kept failing in a retryable way (no
 * answer, 429, 5xx) for its whole retry budget: what it last saw. Callers use
 * it to tell an outage from a broken request, and `check` to say when to try
 * again.
 */
export interface RetriesExhausted {
  /** The last HTTP status, or undefined when the API could not be reached at all. */
  status?: number;
  /** The network error code (ECONNREFUSED, TIMEOUT, …) when there was no answer. */
  networkCode?: string;
  attempts: number;
  /** What the last 429's Retry-After (or X-RateLimit-Reset) asked for, in ms. */
  retryAfterMs?: number;
  /** When it was the proxy that could not be reached: its host:port and the variable that names it. */
  proxy?: { address: string; variable: string };
}

export class ConnectorError extends Error {
  /** Present when retries ran out on a retryable failure (see RetriesExhausted). */
  exhausted?: RetriesExhausted;
  /** The HTTP status of the answer this error is about, when the API answered one that is not retried (401, 403, 400, …). */
  status?: number;

  constructor(
    message: string,
    readonly failureType: FailureType,
    readonly internal?: string,
    /** 'sync' when no other stream can succeed either (a rejected key): the read stops. */
    readonly scope: 'stream' | 'sync' = 'stream',
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}

export const configError = (message: string, internal?: string) => new ConnectorError(message, 'config_error', internal);
export const systemError = (message: string, internal?: string) => new ConnectorError(message, 'system_error', internal);
export const transientError = (message: string, internal?: string) =>
  new ConnectorError(message, 'transient_error', internal);

/** Any thrown value as a ConnectorError; unknown errors are system errors. */
export function asConnectorError(err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  const wrapped = new ConnectorError(`Unexpected error: ${e.message}`, 'system_error', e.message);
  wrapped.stack = e.stack;
  return wrapped;
}

/**
 * The TRACE ERROR for any failure: the user-facing message, the internal detail,
 * and a stack trace only for system errors (connector bugs), where it helps.
 */
export function errorMessageFor(err: unknown, stream?: string): AirbyteMessage {
  const e = asConnectorError(err);
  return errorTrace({
    message: e.message,
    internal_message: e.internal,
    stack_trace: e.failureType === 'system_error' ? e.stack : undefined,
    failure_type: e.failureType,
    ...(stream === undefined ? {} : { stream_descriptor: { name: stream } }),
  });
}
