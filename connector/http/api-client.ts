import type { Config } from '../config/config';
import { parseJson } from '../json/exact-json';
import { ConnectorError, systemError, transientError } from '../protocol/errors';
import { ApiClock } from './api-clock';
import type { CloudGuard } from './cloud-guard';
import { fill, resolve } from './error-table';
import { observingClock, rateLimited, RetryEvent, retrying } from './interceptors';
import { createRouter } from './proxy';
import { RateLimiter } from './rate-limiter';
import { redirectMessage, redirectTarget } from './redirect';
import { waitAskedMs } from './retry-timing';
import { createTransport } from './transport';
import { ApiResponse, compose, NetworkError, NetworkSetupError, PausedPastBudget, Send } from './types';

export type QueryParams = Record<string, string | number | undefined>;

/** Per-request settings: cancellation, and a shorter budget for probes. */
export interface RequestOptions {
  signal?: AbortSignal;
  /** Retry budget for this request, if shorter than the client's. */
  maxRetryMs?: number;
  /** Timeout of each attempt of this request, if shorter than the client's. */
  timeoutMs?: number;
}

export interface ApiClientOptions {
  /** Overrides for `check`, which must answer within seconds. */
  maxRetryMs?: number;
  timeoutMs?: number;
  onRetry?: (e: RetryEvent) => void;
  /** Called once per request with its final outcome (for --debug logs). */
  onResponse?: (e: { label: string; status: number; attempts: number; ms: number }) => void;
  /** Cloud mode's guard (cloud-guard.ts): every connection resolves through it. Absent in OSS mode. */
  guard?: CloudGuard;
}

/**
 * The requester: turns (path, params) into an authenticated GET through the
 * HTTP stack (retry → rate limit → transport) and into parsed JSON, or into
 * a ConnectorError that says what failed, for which stream, and what to do.
 * The api_key is added here and only here, in the query string.
 */
export class ApiClient {
  /** The API's clock, learnt from the Date header of every response. */
  readonly clock = new ApiClock();
  private readonly send: Send;
  private readonly closeTransport: () => void;

  private readonly onResponse: ApiClientOptions['onResponse'];
  private readonly maxRetryMs: number;

  /**
   * The client for `config`, once Cloud mode's guard (when there is one) has admitted base_url:
   * rejects with its config_error before any request can go out.
   */
  static async open(config: Config, opts: ApiClientOptions = {}): Promise<ApiClient> {
    await opts.guard?.admit(config.baseUrl);
    return new ApiClient(config, opts);
  }

  constructor(
    private readonly config: Config,
    opts: ApiClientOptions = {},
  ) {
    this.onResponse = opts.onResponse;
    this.maxRetryMs = opts.maxRetryMs ?? config.maxRetryMs;
    const transport = createTransport({
      timeoutMs: opts.timeoutMs ?? config.requestTimeoutMs,
      router: createRouter({ maxSockets: config.maxConcurrentRequests, lookup: opts.guard?.lookup }),
    });
    this.closeTransport = transport.close;
    const limiter = new RateLimiter({ perSecond: config.requestsPerSecond, burst: config.burst });
    this.send = compose(
      transport.send,
      retrying(
        { maxRetryMs: this.maxRetryMs, initialDelayMs: config.retryInitialDelayMs },
        opts.onRetry,
      ),
      rateLimited(limiter),
      observingClock(this.clock),
    );
  }

  /**
   * GET a JSON document; `stream` names the stream in error messages. Numbers a
   * double cannot hold come back as RawNumber (json/exact-json.ts).
   */
  async getJson(stream: string, path: string, params: QueryParams, opts: RequestOptions = {}): Promise<{ body: unknown; label: string }> {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, String(v));
    const label = `GET ${path}?${query.toString()}`;
    query.set('api_key', this.config.apiKey);
    const url = `${this.config.baseUrl}${path}?${query.toString()}`;

    let res: ApiResponse;
    const started = Date.now();
    try {
      res = await this.send({ url, label, stream, signal: opts.signal, maxRetryMs: opts.maxRetryMs, timeoutMs: opts.timeoutMs });
      this.onResponse?.({ label, status: res.status, attempts: res.attempts ?? 1, ms: Date.now() - started });
    } catch (err) {
      if (err instanceof NetworkSetupError) {
        // No retry or other stream can get past it: the settings must change.
        throw new ConnectorError(err.message, 'config_error', `${label}: ${err.code}`, 'sync');
      }
      if (err instanceof PausedPastBudget) {
        // Nothing was sent: waiting would break max_retry_seconds, sending would break the API's Retry-After.
        const inSeconds = Math.max(1, Math.ceil((err.until - Date.now()) / 1000));
        const e = transientError(
          `Stream ${stream}: the API asked every request to wait ${inSeconds} s more (Retry-After${err.askedBy ? ` on an HTTP ${err.askedBy}` : ''}), ` +
            `longer than what is left of max_retry_seconds=${this.maxRetryMs / 1000}, so ${label} was not sent. Records and state already ` +
            `emitted are valid; the next sync resumes from the last checkpoint.`,
          `${label}: paused until ${new Date(err.until).toISOString()}`,
        );
        e.exhausted = { status: err.askedBy, attempts: err.attempts, retryAfterMs: err.askedBy === 429 ? err.until - Date.now() : undefined };
        throw e;
      }
      if (err instanceof NetworkError) {
        const proxy = err.unreachableProxy;
        const e = transientError(
          proxy
            ? `Stream ${stream}: ${err.message}, after ${err.attempts} attempt(s). Check ${proxy.variable} and that the proxy ` +
                `is running; the next sync resumes from the last checkpoint.`
            : `Stream ${stream}: could not get an answer from the API at ${this.config.baseUrl} (${err.message}) after ` +
                `${err.attempts} attempt(s). Check base_url and the network; the next sync resumes from the last checkpoint.`,
          `${label}: ${err.code}`,
        );
        e.exhausted = {
          networkCode: err.code,
          attempts: err.attempts,
          proxy: proxy && { address: proxy.address, variable: proxy.variable },
        };
        throw e;
      }
      throw err;
    }
    const resolution = resolve(res.status);
    if (resolution.action === 'ok') {
      try {
        return { body: parseJson(res.body), label };
      } catch {
        throw systemError(
          `Stream ${stream}: the API answered ${label} with HTTP ${res.status} but a body that is not JSON.`,
          `body starts with: ${snippet(res.body)}`,
        );
      }
    }
    if (resolution.action === 'redirect') {
      const target = redirectTarget(res.headers.get('location'), url, path);
      // The body of a redirect often repeats the Location, query string (and key) included: it is left out.
      const e = new ConnectorError(
        redirectMessage(res.status, target, this.config.baseUrl, path),
        resolution.failureType ?? 'config_error',
        `HTTP ${res.status} for ${label}, Location ${target.location ?? '(none)'}`,
        resolution.scope,
      );
      e.status = res.status;
      throw e;
    }
    if (resolution.action === 'fail') {
      const e = new ConnectorError(
        fill(resolution.message ?? `HTTP ${res.status}`, { stream, request: label }),
        resolution.failureType ?? 'system_error',
        `HTTP ${res.status} for ${label}: ${snippet(res.body)}`,
        resolution.scope,
      );
      e.status = res.status;
      throw e;
    }
    const askedMs = waitAskedMs(res);
    const asked = askedMs !== undefined && askedMs >= 1000 ? ` (the last answer asked to wait ${Math.ceil(askedMs / 1000)} s)` : '';
    const e = transientError(
      `Stream ${stream}: the API kept answering HTTP ${res.status} to ${label}${asked}; gave up after ${res.attempts ?? 1} ` +
        `attempt(s) within ${budgetText(this.maxRetryMs, opts.maxRetryMs)}. Records and state already emitted are valid; ` +
        `the next sync resumes from the last checkpoint.`,
      `HTTP ${res.status}: ${snippet(res.body)}`,
    );
    e.exhausted = { status: res.status, attempts: res.attempts ?? 1, retryAfterMs: res.status === 429 ? askedMs : undefined };
    throw e;
  }

  close(): void {
    this.closeTransport();
  }
}

/** The retry budget a request had, as a message says it. */
function budgetText(clientMs: number, requestMs: number | undefined): string {
  return requestMs !== undefined && requestMs < clientMs ? `a probe's ${requestMs / 1000} s` : `max_retry_seconds=${clientMs / 1000}`;
}

function snippet(body: string): string {
  const s = body.replace(/\s+/g, ' ').trim();
  return s.length > 200 ? `${s.slice(0, 200)}…` : s || '(empty body)';
}
