/**
 * Shared by the reliability scenarios (acceptance-tests/reliability/*.test.ts):
 * a config with tiny retry delays, catalogs, the simulator's ground truth, and a
 * runner that keeps every byte of every run's output so a file can check, at
 * the end, that the key never appeared in any spelling.
 */
import net from 'net';
import { DEFAULT_API_KEY, Resource, RESOURCES, Simulator } from '../simulator';
import { configuredCatalog, Message, proxyPasswordsIn, RunFiles, RunOptions, RunResult, runConnector } from './run-connector';

/** Fast retries: first backoff 50 ms, give up after 3 s; a request times out after 2 s. */
export function fastConfig(sim: Simulator | { url: string }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    api_key: DEFAULT_API_KEY,
    base_url: sim.url,
    retry_initial_delay_seconds: 0.05,
    max_retry_seconds: 3,
    request_timeout_seconds: 2,
    ...extra,
  };
}

let discovered: Message[] | undefined;

/** The discovered streams (from a real `discover` run, cached per test file). */
export async function discoveredStreams(run: Runner, sim: Simulator): Promise<Message[]> {
  if (!discovered) {
    const r = await run(['discover'], { config: fastConfig(sim) });
    expect(r.code).toBe(0);
    discovered = r.ofType('CATALOG')[0].catalog.streams as Message[];
  }
  return discovered;
}

/** A configured catalog of `only` in `mode`. */
export async function catalogOf(run: Runner, sim: Simulator, only: Resource[], mode: 'full_refresh' | 'incremental' = 'incremental'): Promise<Message> {
  return configuredCatalog(await discoveredStreams(run, sim), mode, only);
}

/** Every id the simulator has for `resource` right now. */
export function simIds(sim: Simulator, resource: Resource): string[] {
  return [...sim.records(resource)].map((r) => String(r.id));
}

/** Ids of the RECORD messages of `stream`, sorted, without duplicates. */
export function recordIds(result: RunResult, stream: string): string[] {
  return [...new Set(result.records(stream).map((r) => String(r.data.id)))].sort();
}

/** Every spelling of a secret that a log line could carry. */
export function secretVariants(secret: string): string[] {
  return [
    ...new Set([
      secret,
      encodeURIComponent(secret),
      encodeURI(secret),
      new URLSearchParams({ k: secret }).toString().slice(2),
      JSON.stringify(secret).slice(1, -1),
      JSON.stringify(JSON.stringify(secret)).slice(1, -1),
    ]),
  ].filter((v) => v.length >= 4);
}

export type Runner = (command: string[], files?: RunFiles, opts?: RunOptions) => Promise<RunResult>;

export interface Collected {
  command: string;
  stdout: string;
  stderr: string;
}

/**
 * A runConnector that keeps all output. `leaks(secrets)` lists every occurrence
 * of any spelling of the secrets (and of the default key, every run's api_key
 * and the password of every proxy URL a run was given) in all of it.
 */
export function collectingRunner(): { run: Runner; outputs: Collected[]; leaks: (secrets?: string[]) => string[] } {
  const outputs: Collected[] = [];
  const keys = new Set<string>([DEFAULT_API_KEY]);
  const run: Runner = async (command, files = {}, opts = {}) => {
    const key = (files.config as { api_key?: unknown } | undefined)?.api_key;
    if (typeof key === 'string' && key.length >= 4) keys.add(key);
    for (const s of [...(opts.secrets ?? []), ...proxyPasswordsIn(opts.env)]) keys.add(s);
    const r = await runConnector(command, files, opts);
    outputs.push({ command: command.join(' '), stdout: r.stdout, stderr: r.stderr });
    return r;
  };
  const leaks = (secrets: string[] = []) => {
    const found: string[] = [];
    for (const s of [...keys, ...secrets]) {
      for (const v of secretVariants(s)) {
        for (const o of outputs) {
          for (const [name, text] of [
            ['stdout', o.stdout],
            ['stderr', o.stderr],
          ] as const) {
            const at = text.indexOf(v);
            if (at >= 0) found.push(`${o.command} ${name}: …${text.slice(Math.max(0, at - 60), at)}[KEY]`);
          }
        }
      }
    }
    return found;
  };
  return { run, outputs, leaks };
}

/** The same number of records in every stream. */
export function everyStream(n: number): Partial<Record<Resource, number>> {
  const counts: Partial<Record<Resource, number>> = {};
  for (const r of RESOURCES) counts[r] = n;
  return counts;
}

/** Small datasets: a few pages for `big`, a handful of records elsewhere. */
export function smallCounts(big: Partial<Record<Resource, number>> = {}): Partial<Record<Resource, number>> {
  return { ...everyStream(5), ...big };
}

/** WARN log messages of a run. */
export function warnings(result: RunResult): string[] {
  return result
    .ofType('LOG')
    .filter((m) => m.log.level === 'WARN')
    .map((m) => m.log.message as string);
}

/** Every stdout line that is a TRACE whose stack_trace is not where a stack belongs: stack frames outside stack_trace. */
export function stackFramesOutsideStackTrace(result: RunResult): string[] {
  const bad: string[] = [];
  for (const m of result.messages) {
    const copy = JSON.parse(JSON.stringify(m)) as Message;
    if (copy.trace?.error) delete copy.trace.error.stack_trace;
    if (copy.log) delete copy.log.stack_trace;
    const text = JSON.stringify(copy);
    if (/\n\s+at |\bat \S+ \(\S+:\d+:\d+\)|\.js:\d+:\d+|\.ts:\d+:\d+/.test(text)) bad.push(text.slice(0, 200));
  }
  return bad;
}

/** A port nothing listens on (taken from the OS, then released). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
