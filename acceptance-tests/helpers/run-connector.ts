import { spawn } from 'child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { basename, dirname, join, resolve } from 'path';
import { messageValidator } from './protocol-schema';

/**
 * Runs the connector the way a platform does: as a separate process (the
 * compiled CLI), or as the built image when CONNECTOR_IMAGE is set
 * (`docker run --rm -i --network host -v <dir>:/data <image> …`). Files are
 * written to a fresh directory and passed by path. Environment variables a
 * test gives (`env`) reach the process, or the container as `-e NAME`; proxy
 * variables of the machine running the tests never do. An extra certificate
 * authority (`extraCaFile`) is NODE_EXTRA_CA_CERTS for the process, and is
 * mounted read-only at /certs for the container.
 *
 * Every stdout line of every run is parsed and validated against Airbyte's
 * AirbyteMessage schema; every secret the run was given (the config's api_key,
 * `secrets`, the password of any proxy URL in `env`) is searched for in all of
 * stdout and stderr, raw and percent-encoded. Either failure throws, so no
 * test can pass on output that breaks the protocol or leaks a secret.
 */
/** The compiled CLI; CONNECTOR_CLI runs the suite against another build (e.g. an older release's, to see a test fail there). */
export const CLI = process.env.CONNECTOR_CLI ? resolve(process.env.CONNECTOR_CLI) : resolve(__dirname, '../../dist/connector/cli.js');
export const IMAGE = process.env.CONNECTOR_IMAGE || undefined;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Message = Record<string, any>;

export interface RunFiles {
  config?: unknown;
  catalog?: unknown;
  /** An object is written as JSON; a string is written as is (to test bad state files). */
  state?: unknown;
  /** Raw text for the config file instead of JSON (to test unreadable configs). */
  configText?: string;
  catalogText?: string;
}

export interface RunOptions {
  timeoutMs?: number;
  /** Secrets that must not appear in any output, besides the config's api_key. */
  secrets?: string[];
  /** Skip the protocol check (only for tests of what happens on a broken command line). */
  allowInvalidLines?: boolean;
  /** Environment variables for the connector (HTTPS_PROXY, NO_PROXY, …): `docker run -e NAME` for the image. */
  env?: Record<string, string>;
  /** A PEM file of certificate authorities to trust: NODE_EXTRA_CA_CERTS, mounted at /certs for the image. */
  extraCaFile?: string;
}

/** Variables that would send the connector's requests through a proxy: only a test may set them. */
const PROXY_VARIABLE = /^(https?|all|no)_proxy$/i;
const CA_MOUNT = '/certs';

/**
 * The passwords of the proxy URLs in `env`, as the connector could print them:
 * as written (percent-encoded), decoded, and as the Basic credentials the proxy receives.
 */
export function proxyPasswordsIn(env: Record<string, string> = {}): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!PROXY_VARIABLE.test(name)) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      continue;
    }
    if (!url.password) continue;
    const password = decodeURIComponent(url.password);
    found.push(url.password, password, Buffer.from(`${decodeURIComponent(url.username)}:${password}`).toString('base64'));
  }
  return found;
}

/** The connector's environment: the tests' own without proxy variables, plus what the test gives. */
function connectorEnv(opts: RunOptions, caPath: string | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !PROXY_VARIABLE.test(name)) env[name] = value;
  if (caPath) env.NODE_EXTRA_CA_CERTS = caPath;
  return { ...env, ...opts.env };
}

export class RunResult {
  constructor(
    readonly code: number | null,
    readonly stdout: string,
    readonly stderr: string,
    readonly messages: Message[],
  ) {}
  ofType(type: string): Message[] {
    return this.messages.filter((m) => m.type === type);
  }
  records(stream?: string): Message[] {
    return this.ofType('RECORD')
      .map((m) => m.record)
      .filter((r) => stream === undefined || r.stream === stream);
  }
  states(stream?: string): Message[] {
    return this.ofType('STATE')
      .map((m) => m.state)
      .filter((s) => stream === undefined || s.stream?.stream_descriptor?.name === stream);
  }
  traces(type: string): Message[] {
    return this.ofType('TRACE')
      .map((m) => m.trace)
      .filter((t) => t.type === type);
  }
  errors(): Message[] {
    return this.traces('ERROR').map((t) => t.error);
  }
  statuses(stream: string): string[] {
    return this.traces('STREAM_STATUS')
      .filter((t) => t.stream_status.stream_descriptor.name === stream)
      .map((t) => t.stream_status.status);
  }
}

let runs = 0;
/** How many connector runs this test process made (each checked for protocol validity and leaks). */
export const runCount = () => runs;

export async function runConnector(command: string[], files: RunFiles = {}, opts: RunOptions = {}): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sia-run-'));
  chmodSync(dir, 0o755);
  const mount = IMAGE ? '/data' : dir;
  const args = [...command];
  const put = (name: string, content: unknown, raw?: string) => {
    const text = raw ?? (typeof content === 'string' ? content : JSON.stringify(content));
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), 0o644);
    return `${mount}/${name}`;
  };
  if (files.config !== undefined || files.configText !== undefined) args.push('--config', put('config.json', files.config, files.configText));
  if (files.catalog !== undefined || files.catalogText !== undefined) args.push('--catalog', put('catalog.json', files.catalog, files.catalogText));
  if (files.state !== undefined) args.push('--state', put('state.json', files.state));

  const caPath = opts.extraCaFile && (IMAGE ? `${CA_MOUNT}/${basename(opts.extraCaFile)}` : opts.extraCaFile);
  const env = connectorEnv(opts, caPath);
  const containerEnv = [...Object.keys(opts.env ?? {}), ...(caPath ? ['NODE_EXTRA_CA_CERTS'] : [])].flatMap((name) => ['-e', name]);
  const caMount = opts.extraCaFile ? ['-v', `${dirname(opts.extraCaFile)}:${CA_MOUNT}:ro`] : [];
  const [bin, argv] = IMAGE
    ? ['docker', ['run', '--rm', '-i', '--network', 'host', '-v', `${dir}:/data:ro`, ...caMount, ...containerEnv, IMAGE, ...args]]
    : [process.execPath, [CLI, ...args]];
  try {
    const { code, stdout, stderr } = await spawnCollect(bin, argv, env, opts.timeoutMs ?? 120_000);
    runs++;
    const messages: Message[] = [];
    const invalid: string[] = [];
    const validate = messageValidator();
    for (const line of stdout.split('\n')) {
      if (line === '') continue;
      let msg: Message;
      try {
        msg = JSON.parse(line);
      } catch {
        invalid.push(`not JSON: ${line.slice(0, 200)}`);
        continue;
      }
      if (validate && !validate(msg)) invalid.push(`not an AirbyteMessage (${JSON.stringify(validate.errors).slice(0, 300)}): ${line.slice(0, 200)}`);
      messages.push(msg);
    }
    if (invalid.length && !opts.allowInvalidLines) {
      throw new Error(`connector ${command[0]} wrote ${invalid.length} invalid stdout line(s):\n${invalid.slice(0, 5).join('\n')}`);
    }
    const secrets = [...(opts.secrets ?? []), ...proxyPasswordsIn(opts.env)];
    const key = (files.config as { api_key?: unknown } | undefined)?.api_key;
    if (typeof key === 'string' && key.length >= 4) secrets.push(key);
    for (const s of secrets.filter((x) => x.length >= 4)) {
      for (const variant of new Set([s, encodeURIComponent(s)])) {
        for (const [name, text] of [['stdout', stdout], ['stderr', stderr]] as const) {
          const at = text.indexOf(variant);
          if (at >= 0) throw new Error(`a secret (api_key or proxy password) appears in ${name} of '${command[0]}': …${text.slice(Math.max(0, at - 80), at)}[SECRET]…`);
        }
      }
    }
    return new RunResult(code, stdout, stderr, messages);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function spawnCollect(
  bin: string,
  argv: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`connector did not finish within ${timeoutMs} ms: ${argv.slice(1, 3).join(' ')}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** A configured catalog for `streams` (all discovered ones by default) in the given mode. */
export function configuredCatalog(discovered: Message[], mode: 'full_refresh' | 'incremental' | 'auto', only?: string[]): Message {
  return {
    streams: discovered
      .filter((s) => !only || only.includes(s.name))
      .map((s) => {
        const syncMode =
          mode === 'auto' ? s.supported_sync_modes[s.supported_sync_modes.length - 1] : mode === 'incremental' && s.supported_sync_modes.includes('incremental') ? 'incremental' : 'full_refresh';
        return {
          stream: s,
          sync_mode: syncMode,
          destination_sync_mode: syncMode === 'incremental' ? 'append_dedup' : 'overwrite',
          cursor_field: s.default_cursor_field ?? null,
          primary_key: s.source_defined_primary_key ?? null,
        };
      }),
  };
}

/** The last STATE per stream, as the platform would hand it back with --state. */
export function finalState(result: RunResult): Message[] {
  const last = new Map<string, Message>();
  for (const s of result.states()) last.set(s.stream.stream_descriptor.name, { type: 'STREAM', stream: s.stream });
  return [...last.values()];
}
