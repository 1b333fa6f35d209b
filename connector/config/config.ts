import type { ErrorObject } from 'ajv';
import { readFileSync } from 'fs';
import { configError } from '../protocol/errors';
import { Micros, parseTimestamp } from '../state/timestamp';
import { connectionSpecification, DEFAULTS } from './spec';
import { configValidator } from './validator';

/** The validated configuration every other module receives (never the raw JSON). */
export interface Config {
  apiKey: string;
  /** Without a trailing slash. */
  baseUrl: string;
  startDate?: Micros;
  /** Exclusive: records updated at or after it are not read. */
  endDate?: Micros;
  /** How far before its state's cursor an incremental sync starts, in µs. */
  lookback: Micros;
  requestsPerSecond: number;
  burst: number;
  maxConcurrentRequests: number;
  requestTimeoutMs: number;
  maxRetryMs: number;
  retryInitialDelayMs: number;
}

/**
 * Reads a JSON file given on the command line, or fails with a config_error
 * naming it. `beforeParse` sees the text first (to learn secrets to redact).
 */
export function readJsonFile(path: string, what: string, beforeParse?: (text: string) => void): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw configError(`Cannot read the ${what} file '${path}' (${code}). Pass the path of an existing JSON file.`);
  }
  beforeParse?.(text);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw configError(`The ${what} file '${path}' is not valid JSON (${jsonErrorWhere(err, text)}). Fix the file's syntax.`);
  }
}

/**
 * Where a JSON text breaks, without quoting it: V8's own message repeats part
 * of the text, which for a config file can be the api_key.
 */
export function jsonErrorWhere(err: unknown, text: string): string {
  const message = (err as Error).message ?? '';
  if (text.trim() === '') return 'the file is empty';
  if (/^Unexpected end of JSON input/.test(message)) return 'the file ends too early';
  const token = /^Unexpected token '?(.)'?,/.exec(message);
  if (token) return `unexpected ${JSON.stringify(token[1])}`;
  const at = /^(.*) in JSON at position (\d+)/.exec(message);
  if (!at) return 'syntax error';
  const pos = Number(at[2]);
  const before = text.slice(0, pos);
  return `${at[1]} at line ${before.split('\n').length}, column ${pos - before.lastIndexOf('\n')}`;
}

/** The api_key of a config file that may not even parse, so it can be redacted before the error is reported. */
export function secretsInText(text: string): string[] {
  const m = /"api_key"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(text);
  if (!m) return [];
  try {
    return [JSON.parse(`"${m[1]}"`) as string];
  } catch {
    return [m[1]];
  }
}

/** The api_key of a raw config, if it has one, so it can be redacted before anything else is said. */
export function secretsOf(raw: unknown): string[] {
  const key = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).api_key : undefined;
  return typeof key === 'string' && key ? [key] : [];
}

/** Validates a raw config against the spec, reporting every problem at once. */
export function parseConfig(raw: unknown): Config {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw configError('The config must be a JSON object with at least "api_key".');
  }
  // Platforms may send explicit nulls for unset optional fields: treat them as unset.
  const input = Object.fromEntries(Object.entries(raw as Record<string, unknown>).filter(([, v]) => v !== null));
  const validate = configValidator();
  if (!validate(input)) {
    const problems = (validate.errors ?? []).map(describe);
    throw configError(`The config is invalid: ${[...new Set(problems)].join('; ')}.`);
  }
  const c = input as Record<string, unknown>;
  const instant = (name: 'start_date' | 'end_date'): Micros | undefined => {
    const text = c[name];
    if (typeof text !== 'string' || text === '') return undefined;
    const at = parseTimestamp(text);
    if (at === undefined) throw configError(`The config is invalid: ${name} must be an RFC 3339 date-time such as 2024-01-01T00:00:00Z.`);
    return at;
  };
  const startDate = instant('start_date');
  const endDate = instant('end_date');
  if (startDate !== undefined && endDate !== undefined && endDate <= startDate) {
    throw configError('The config is invalid: end_date must be later than start_date (records are read from start_date up to, not including, end_date).');
  }
  const num = (k: keyof typeof DEFAULTS) => (typeof c[k] === 'number' ? (c[k] as number) : (DEFAULTS[k] as number));
  return {
    apiKey: c.api_key as string,
    baseUrl: String(c.base_url ?? DEFAULTS.base_url).replace(/\/+$/, ''),
    startDate,
    endDate,
    lookback: BigInt(Math.round(num('lookback_window_seconds') * 1e6)),
    requestsPerSecond: num('requests_per_second'),
    burst: num('burst'),
    maxConcurrentRequests: num('max_concurrent_requests'),
    requestTimeoutMs: num('request_timeout_seconds') * 1000,
    maxRetryMs: num('max_retry_seconds') * 1000,
    retryInitialDelayMs: num('retry_initial_delay_seconds') * 1000,
  };
}

function describe(e: ErrorObject): string {
  const field = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '';
  const spec = (connectionSpecification.properties as Record<string, { pattern_descriptor?: string }>)[field];
  switch (e.keyword) {
    case 'required':
      return `"${(e.params as { missingProperty: string }).missingProperty}" is required`;
    case 'type':
      return `${field} must be a ${(e.params as { type: string }).type}`;
    case 'pattern':
      return `${field} must look like ${spec?.pattern_descriptor ?? 'the documented format'}`;
    case 'format':
      return `${field} must be a valid ${(e.params as { format: string }).format}`;
    case 'minLength':
      return `${field} must not be empty`;
    default:
      return `${field || 'config'} ${e.message ?? 'is invalid'}`;
  }
}
