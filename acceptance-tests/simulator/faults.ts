/** Fault rules: which request gets which injected failure. */
import { FaultBody, FaultRule } from './types';

/** Kinds that, at status 200, produce a 200 with a defective body. */
export const MALFORMED_BODIES: ReadonlySet<FaultBody> = new Set<FaultBody>([
  'not-json',
  'no-data',
  'data-not-array',
  'record-without-id',
  'bad-updated_at',
]);

interface ActiveRule {
  rule: FaultRule;
  skipLeft: number;
  timesLeft: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];

  constructor(rules: FaultRule[] = []) {
    this.set(rules);
  }

  /** Replaces all rules (their counters start afresh). */
  set(rules: FaultRule[]): void {
    this.rules = rules.map((rule) => {
      validateRule(rule);
      return { rule: { ...rule }, skipLeft: rule.skip ?? 0, timesLeft: rule.times ?? 1 };
    });
  }

  /**
   * The rule that fires for a request to `path`, if any. The first matching rule that is
   * still active decides: while it has skips left the request passes untouched (and the
   * skip is used up), otherwise it fires (and one of its `times` is used up).
   */
  next(path: string): FaultRule | null {
    for (const active of this.rules) {
      if (active.rule.path !== undefined && active.rule.path !== path) continue;
      if (active.timesLeft <= 0) continue;
      if (active.skipLeft > 0) {
        active.skipLeft--;
        return null;
      }
      active.timesLeft--;
      return active.rule;
    }
    return null;
  }
}

function validateRule(rule: FaultRule): void {
  const bad = (what: string): never => {
    throw new Error(`invalid fault rule: ${what}`);
  };
  if (rule.skip !== undefined && !(Number.isInteger(rule.skip) && rule.skip >= 0)) bad('skip must be an integer >= 0');
  if (rule.times !== undefined && !(rule.times === Infinity || (Number.isInteger(rule.times) && rule.times >= 0))) {
    bad('times must be an integer >= 0 or Infinity');
  }
  if (rule.status !== undefined && !(Number.isInteger(rule.status) && rule.status >= 200 && rule.status <= 599)) {
    bad('status must be an HTTP status');
  }
  if (rule.hangMs !== undefined && !(rule.hangMs >= 0)) bad('hangMs must be >= 0');
  if (rule.drop !== undefined && ![true, false, 'chunked', 'content-length'].includes(rule.drop)) {
    bad("drop must be true, 'chunked' or 'content-length'");
  }
}

/**
 * The status a fired rule answers with: its own, else 200 when it only corrupts, delays
 * or drops a normal answer, else 500.
 */
export function faultStatus(rule: FaultRule): number {
  if (rule.status !== undefined) return rule.status;
  if (rule.body !== undefined && MALFORMED_BODIES.has(rule.body)) return 200;
  if (rule.body === undefined && (rule.drop || rule.hangMs !== undefined)) return 200;
  return 500;
}

/** The Retry-After header value of a fired rule (429s get "1" unless told otherwise). */
export function retryAfterHeader(rule: FaultRule, status: number, nowMs: number): string | undefined {
  const ra = rule.retryAfter;
  if (ra && 'seconds' in ra) return String(Math.ceil(ra.seconds));
  if (ra && 'httpDateInSeconds' in ra) {
    const at = Math.ceil((nowMs + ra.httpDateInSeconds * 1000) / 1000) * 1000;
    return new Date(at).toUTCString();
  }
  return status === 429 ? '1' : undefined;
}
