import { asConnectorError } from '../protocol/errors';
import { networkWords } from './network-failures';
import { REDIRECT_STATUSES } from './redirect';

/**
 * Why a request of the API client failed, as a kind and in words that name no
 * command: check and discover each say what it means for them ("check could
 * not…", "discover keeps the checked-in schema…"), where the client's own
 * messages speak of a sync.
 *
 * Reads only what the client sets: `exhausted` when retries ran out, the
 * HTTP `status` of an answer that is never retried (a redirect among them:
 * base_url is wrong, and the message says which to set), and the config_error of a
 * failure below HTTP that no retry can fix (a proxy refusing the credentials,
 * a certificate nobody vouches for: network-failures.ts), whose message
 * already says what to change.
 */
export type FailureKind =
  | 'key_rejected'
  | 'forbidden'
  | 'network_setup'
  | 'redirected'
  | 'rate_limited'
  | 'unreachable'
  | 'server_errors'
  | 'other';

export interface RequestFailure {
  kind: FailureKind;
  /** E.g. "the API kept answering HTTP 503 (3 attempts)". */
  reason: string;
  /** For unreachable: what to look at (base_url and the network, or the proxy and the variable that names it). */
  fix?: string;
  /** For rate_limited: what the API's last Retry-After asked for. */
  retryAfterMs?: number;
}

const attempts = (n: number) => `${n} attempt${n === 1 ? '' : 's'}`;
/** "2 attempts"; for a request never sent (a wait the API asked for outlasted its budget), that. */
const tries = (n: number) => (n > 0 ? attempts(n) : 'a wait it asked for outlasts the retry budget');

export function classifyFailure(err: unknown, baseUrl: string): RequestFailure {
  const e = asConnectorError(err);
  const ex = e.exhausted;
  if (ex?.status === 429) {
    return { kind: 'rate_limited', reason: `the API is rate limiting this key (HTTP 429, ${tries(ex.attempts)})`, retryAfterMs: ex.retryAfterMs };
  }
  if (ex?.status !== undefined) return { kind: 'server_errors', reason: `the API kept answering HTTP ${ex.status} (${tries(ex.attempts)})` };
  if (ex?.proxy) {
    const what = networkWords(ex.networkCode) ?? ex.networkCode ?? 'no answer';
    return {
      kind: 'unreachable',
      reason: `could not reach the proxy at ${ex.proxy.address} that ${ex.proxy.variable} names (${what}) after ${attempts(ex.attempts)}`,
      fix: `Check ${ex.proxy.variable} and that the proxy is running`,
    };
  }
  const network = 'Check base_url and the network';
  if (ex?.networkCode === 'TIMEOUT') return { kind: 'unreachable', reason: `the API at ${baseUrl} did not answer in time (${attempts(ex.attempts)})`, fix: network };
  if (ex) {
    const what = networkWords(ex.networkCode) ?? ex.networkCode ?? 'no answer';
    return { kind: 'unreachable', reason: `could not reach the API at ${baseUrl} (${what}) after ${attempts(ex.attempts)}`, fix: network };
  }
  if (e.status === 401) return { kind: 'key_rejected', reason: 'the API rejected the api_key (HTTP 401)' };
  if (e.status === 403) return { kind: 'forbidden', reason: 'the API answered HTTP 403 (the key is not entitled to the resource)' };
  if (e.status !== undefined && REDIRECT_STATUSES.has(e.status)) return { kind: 'redirected', reason: e.message.replace(/\.$/, '') };
  if (e.failureType === 'config_error' && e.status === undefined) return { kind: 'network_setup', reason: e.message.replace(/\.$/, '') };
  return { kind: 'other', reason: e.message.replace(/\.$/, '') };
}
