/**
 * The HTTP stack is a chain of small functions with one shape:
 * a `Send` takes a request and resolves to a response; an `Interceptor`
 * wraps a Send to add one behaviour (rate limiting, retrying) and returns a
 * Send. `compose(transport, retrying, rateLimited)` reads outside-in.
 */
export interface ApiRequest {
  /** Absolute URL, api_key included. Never log it: log `label`. */
  url: string;
  /** What to call this request in messages: method, path and query without the key. */
  label: string;
  /** The stream the request serves, for status messages. */
  stream?: string;
  signal?: AbortSignal;
  /** A shorter retry budget than the client's, for probes (see RetryPolicy.maxRetryMs). */
  maxRetryMs?: number;
  /** A shorter timeout per attempt than the client's, for probes. */
  timeoutMs?: number;
  /**
   * Called by the transport the moment an answer's status line and headers
   * have arrived, before its body (which may never arrive whole): a wait the
   * API asks for is learnt even when the body is cut short.
   */
  onHead?: (head: ResponseHead) => void;
  /**
   * Asked by the transport when a connection is ready to carry the request,
   * before a byte of it is written. False holds it back: the attempt then
   * fails with HeldBack, having sent nothing.
   */
  mayWrite?: () => boolean;
  /**
   * Epoch ms after which no attempt of this request may start (set by the
   * retry interceptor: its full budget). A pause the API asked for that ends
   * later fails the request at once (PausedPastBudget) rather than waiting.
   */
  notAfter?: number;
}

export interface HeaderReader {
  get(name: string): string | null;
}

/** An answer's status and headers, and when they arrived (local epoch ms). */
export interface ResponseHead {
  status: number;
  headers: HeaderReader;
  receivedAt: number;
}

export interface ApiResponse {
  status: number;
  headers: HeaderReader;
  body: string;
  /** When its head arrived (local epoch ms), set by the transport. */
  receivedAt?: number;
  /** Sequence number the rate limiter gave the attempt that produced this response. */
  sequence?: number;
  /** Attempts made for this request, this one included (set by the retry interceptor). */
  attempts?: number;
}

export type Send = (req: ApiRequest) => Promise<ApiResponse>;
export type Interceptor = (next: Send) => Send;

/** compose(transport, a, b) = a(b(transport)): `a` sees the request first. */
export function compose(transport: Send, ...interceptors: Interceptor[]): Send {
  return interceptors.reduceRight<Send>((next, wrap) => wrap(next), transport);
}

/** A proxy requests go through, as messages name it (never with its credentials). */
/** The process environment, or a test's stand-in for it (Cloud mode and the proxy variables are read from it). */
export type Env = Readonly<Record<string, string | undefined>>;

export interface ProxyEndpoint {
  /** host:port */
  address: string;
  /** The environment variable that names it: HTTPS_PROXY, https_proxy, HTTP_PROXY, … */
  variable: string;
  /** Whether that variable's URL carries a user name or password. */
  hasCredentials: boolean;
}

/** A failure below HTTP: refused, reset, dropped mid-body, timed out. Always worth a retry. */
export class NetworkError extends Error {
  /** Attempts made before giving up (set by the retry interceptor). */
  attempts = 1;
  /** The status and headers of the answer, when they arrived before the failure (a body cut short). */
  head?: ResponseHead;
  constructor(
    message: string,
    readonly code: string,
    /** Set when it was the proxy that could not be reached, not the API behind it. */
    readonly unreachableProxy?: ProxyEndpoint,
  ) {
    super(message);
    this.name = 'NetworkError';
  }
}

/**
 * An attempt that was never written: when its connection became ready, a wait
 * the API had asked for was in force (ApiRequest.mayWrite). Not a failure: the
 * rate limiter queues the request again behind the wait.
 */
export class HeldBack extends Error {
  constructor() {
    super('not sent: a wait the API asked for began before the request could be written');
    this.name = 'HeldBack';
  }
}

/**
 * A request not sent because a wait the API asked for (a Retry-After, shared
 * by every request of the run) ends after its retry budget does.
 */
export class PausedPastBudget extends Error {
  /** Attempts the request had made before (set by the retry interceptor). */
  attempts = 0;
  constructor(
    /** Epoch ms when the wait ends. */
    readonly until: number,
    /** The HTTP status of the answer that asked for it. */
    readonly askedBy: number | undefined,
  ) {
    super('a wait the API asked for ends after the retry budget');
    this.name = 'PausedPastBudget';
  }
}

/**
 * A failure below HTTP that no retry can fix: a certificate that cannot be
 * verified, a proxy that refuses the credentials. `message` says what to change.
 */
export class NetworkSetupError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'NetworkSetupError';
  }
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
