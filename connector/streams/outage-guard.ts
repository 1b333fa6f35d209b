import { ConnectorError } from '../protocol/errors';

/** A probe's budget: one request, retried only briefly. */
export interface ProbeBudget {
  maxRetryMs: number;
  timeoutMs: number;
}

/** Long enough for a retry or two after a blip, short enough that six streams learn of an outage in seconds. */
export const PROBE_MAX_RETRY_MS = 2_000;
export const PROBE_TIMEOUT_MS = 5_000;

/**
 * One outage, one budget.
 *
 * When a stream fails because the API could not be reached, or kept answering
 * 5xx or 429, for its whole `max_retry_seconds`, the API is probably down for
 * everyone. Without this, every later stream would spend its own budget
 * finding that out again (six streams at 300 s: the platform learns of the
 * outage after half an hour). So each later stream first probes with a
 * single request on a short budget: if the probe fails too, the stream ends
 * at once with the same transient error; if it succeeds (only one endpoint
 * was broken), the stream reads with its full budget and the suspicion is
 * dropped.
 */
export class OutageGuard {
  private suspected: { stream: string; error: ConnectorError } | undefined;

  constructor(readonly probe: ProbeBudget) {}

  /** The failure that makes the next stream probe first, if any. */
  get suspicion(): { stream: string; error: ConnectorError } | undefined {
    return this.suspected;
  }

  /** A stream ended; `error` is its failure, if it failed. Any answer but an exhausted budget means the API is up. */
  streamEnded(stream: string, error: ConnectorError | undefined): void {
    this.suspected = error?.exhausted ? { stream, error } : undefined;
  }

  /** The API answered a probe: whatever failed before was that endpoint's own trouble. */
  cleared(): void {
    this.suspected = undefined;
  }

  /** The error of a stream whose probe failed: transient, naming the stream and the failure that started it. */
  probeFailed(stream: string, probeError: ConnectorError): ConnectorError {
    const first = this.suspected!;
    const e = new ConnectorError(
      `Stream ${stream} was not read: the API is still unavailable (a probe got no better answer: ${reasonOf(probeError)}) ` +
        `after stream ${first.stream} spent its whole retry budget on it. ${first.error.message}`,
      'transient_error',
      probeError.internal,
    );
    e.exhausted = probeError.exhausted;
    return e;
  }
}

function reasonOf(e: ConnectorError): string {
  const x = e.exhausted;
  if (!x) return e.message;
  return x.status !== undefined ? `HTTP ${x.status}` : `no answer, ${x.networkCode ?? 'network error'}`;
}
