/**
 * Removes secrets from any text before it leaves the process.
 *
 * The api_key travels in the query string, so it can surface in URLs, error
 * messages and stack traces; a proxy's password travels in HTTPS_PROXY and the
 * like. A Redactor replaces every configured secret in each spelling it can
 * take in a message (raw, percent-encoded, form-encoded, JSON-escaped) and,
 * independently of the value, any `api_key=` query parameter and the password
 * of any `scheme://user:password@` URL.
 */
export const MASK = '****';

export const MIN_SECRET_LENGTH = 4;

const API_KEY_PARAM = /([?&;]api_key=)[^&#\s"'<>]*/gi;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/?#@:"'<>]*:)[^\s/?#@"'<>]+@/gi;

export class Redactor {
  private readonly variants: string[];

  constructor(private readonly secrets: readonly string[] = []) {
    const all = new Set<string>();
    for (const s of secrets) {
      // A secret of 1-3 characters would turn every message into asterisks and protects nothing.
      if (!s || s.length < MIN_SECRET_LENGTH) continue;
      all.add(s);
      all.add(encodeURIComponent(s));
      all.add(new URLSearchParams({ k: s }).toString().slice(2));
      all.add(JSON.stringify(s).slice(1, -1));
    }
    // Longest first, so an encoded form is not half-replaced by a shorter one.
    this.variants = [...all].filter((v) => v.length > 0).sort((a, b) => b.length - a.length);
  }

  /** A redactor for these secrets and the new ones. */
  with(more: readonly string[]): Redactor {
    return new Redactor([...this.secrets, ...more]);
  }

  redact(text: string): string {
    let out = text.replace(API_KEY_PARAM, `$1${MASK}`).replace(URL_PASSWORD, `$1${MASK}@`);
    for (const v of this.variants) {
      if (out.includes(v)) out = out.split(v).join(MASK);
    }
    return out;
  }

  /** Redacts every string inside a JSON-like value (for LOG/TRACE payloads). */
  redactDeep<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v)) as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.redactDeep(v);
      return out as T;
    }
    return value;
  }
}
