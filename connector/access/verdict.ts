import type { FailureKind } from '../http/request-failure';
import type { StreamAccess } from './probe';

export interface Verdict {
  status: 'SUCCEEDED' | 'FAILED';
  message: string;
}

const list = (names: string[]) => names.join(', ');
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * check's answer from what the key could read, in words about check (never
 * about a sync): SUCCEEDED when at least one stream is readable, naming every
 * stream the key may not read (403) and what to do about it; FAILED when the
 * key is rejected (401), base_url redirects or a network setting stops every
 * request, or no stream is readable, led by the reason that matters most (a
 * rejected key, then a setting to change, then a rate limit with when to try
 * again, then an unreachable API, then server errors).
 */
export function accessVerdict(access: readonly StreamAccess[], baseUrl: string): Verdict {
  const readable = access.filter((a) => a.readable).map((a) => a.stream);
  const failed = access.flatMap((a) => (a.readable ? [] : [a]));
  const named = (kind: FailureKind) => failed.filter((f) => f.failure.kind === kind);
  const forbidden = named('forbidden').map((f) => f.stream);
  const forbiddenNote = forbidden.length
    ? ` The key may not read ${list(forbidden)} (HTTP 403): deselect ${forbidden.length > 1 ? 'them' : 'it'} in the connection, or ask the account owner to give the key access.`
    : '';

  const rejected = named('key_rejected');
  if (rejected.length) {
    return { status: 'FAILED', message: 'Check failed: the API rejected the api_key (HTTP 401). Check the API key in the connector settings: it may be mistyped, revoked or expired.' };
  }

  // A proxy refusing the credentials, a certificate nobody vouches for, a base_url that redirects: nothing gets
  // through until the settings change. Said once, in the words of the first failure, however many streams met it.
  const setup = [...named('redirected'), ...named('network_setup')];
  if (setup.length) return { status: 'FAILED', message: `Check failed: ${setup[0].failure.reason}.` };

  const unchecked = failed.filter((f) => f.failure.kind !== 'forbidden');
  const limited = named('rate_limited');
  const waits = limited.map((f) => f.failure.retryAfterMs).filter((ms): ms is number => ms !== undefined);
  const tryAgain = waits.length ? `try again in ${seconds(Math.max(...waits))} s` : 'try again in a minute';
  if (readable.length) {
    const scope = readable.length === access.length ? `all ${access.length} streams` : `${readable.length} of ${access.length} streams (${list(readable)})`;
    // Streams that failed the same way are named together.
    const groups = new Map<string, { reason: string; streams: string[] }>();
    for (const f of unchecked) {
      const reason = f.failure.kind === 'rate_limited' ? `the API is rate limiting this key right now (HTTP 429); ${tryAgain}` : f.failure.reason;
      const key = f.failure.kind === 'other' ? reason : f.failure.kind;
      const group = groups.get(key) ?? { reason, streams: [] };
      group.streams.push(f.stream);
      groups.set(key, group);
    }
    const others = [...groups.values()].map((g) => ` Check could not tell whether the key can read ${list(g.streams)}: ${g.reason}.`).join('');
    return { status: 'SUCCEEDED', message: `Check connected to ${baseUrl}: the API key can read ${scope}.${forbiddenNote}${others}` };
  }

  if (!unchecked.length) {
    return {
      status: 'FAILED',
      message: `Check failed: the API key may not read any of the ${access.length} streams (HTTP 403 for each). Ask the account owner to give the key access to the streams this connection needs.`,
    };
  }
  if (limited.length) {
    return {
      status: 'FAILED',
      message: `Check could not finish: the API is rate limiting this key right now (HTTP 429); ${tryAgain}. If other tools use the same key, lower requests_per_second.${forbiddenNote}`,
    };
  }
  const unreachable = named('unreachable');
  if (unreachable.length) {
    const { reason, fix } = unreachable[0].failure;
    return { status: 'FAILED', message: `Check failed: ${reason}. ${fix ?? 'Check base_url and the network'}.${forbiddenNote}` };
  }
  const troubled = named('server_errors');
  if (troubled.length) {
    return { status: 'FAILED', message: `Check failed: ${troubled[0].failure.reason}; the API seems to be having trouble. Try again later.${forbiddenNote}` };
  }
  const reasons = [...new Set(unchecked.map((f) => f.failure.reason))];
  return { status: 'FAILED', message: `Check could not read any stream: ${reasons.join('; ')}.${forbiddenNote}` };
}
