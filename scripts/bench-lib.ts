/**
 * What the benchmark scripts share: running a program as a child process and
 * measuring it (wall time, RECORD lines on its stdout, peak RSS), the
 * simulator as a separate process, the machine's description, small formatters.
 * Timings live in these scripts, never in the test suite.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { existsSync, readFileSync, rmSync } from 'fs';
import os from 'os';
import path from 'path';
import { createInterface } from 'readline';

export const ROOT = path.resolve(__dirname, '..', '..');
export const DIST = path.join(ROOT, 'dist');
/** The connector's bin: executed directly, its shebang starts Node with the shipped heap flags. */
export const CONNECTOR = path.join(DIST, 'connector', 'cli.js');
export const SIMULATOR = path.join(DIST, 'acceptance-tests', 'simulator', 'cli.js');
const GNU_TIME = '/usr/bin/time';

/** The node flags of the bin's shebang (`#!/usr/bin/env -S node <flags>`), which the Dockerfile's ENTRYPOINT repeats. */
export function shippedNodeFlags(): string[] {
  const first = readFileSync(CONNECTOR, 'utf8').split('\n')[0];
  const m = /^#!\/usr\/bin\/env -S node(.*)$/.exec(first);
  return m ? m[1].trim().split(/\s+/).filter(Boolean) : [];
}

// ---- machine -------------------------------------------------------------------------

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
}

export function machine(): Machine {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    /* not Linux: keep os.cpus() */
  }
  return {
    cpu,
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

export function machineLine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.platform}`;
}

// ---- running a child and measuring it ------------------------------------------------

export interface ChildRun {
  records: number;
  seconds: number;
  recordsPerSecond: number;
  peakRssMB: number | null;
  exitCode: number | null;
  signal: string | null;
  /** Counts of non-RECORD stdout messages by type (LOG, STATE, TRACE, ...). */
  otherMessages: Record<string, number>;
  /** LOG lines that mention HTTP 429 (the connector's retry warnings). */
  logged429: number;
  /** The last STREAM_STATUS of each stream. */
  statuses: Record<string, string>;
  /** WARN log messages (at most the last 50). */
  warnings: string[];
  /** The last STATE message of each stream, as the platform would hand it back with --state. */
  lastStates: Record<string, unknown>;
  /** The ids of the records emitted, when runMeasured was asked to keep them (small reads only). */
  ids?: Set<string>;
  /** The last few non-RECORD, non-STATE lines and the tail of stderr, for diagnosis. */
  notes: string[];
  stderrTail: string;
}

const RECORD_PREFIX = Buffer.from('{"type":"RECORD"');
const NL = 0x0a;

/**
 * Counts RECORD lines in a stream of stdout chunks without keeping the output:
 * only the first bytes of each line are looked at; other lines (LOG, STATE,
 * TRACE — a few per page at most) are assembled and classified.
 */
class LineCounter {
  records = 0;
  lastStates: Record<string, unknown> = {};
  /** Ids of the records seen, if asked for (costs a look into every RECORD line). */
  readonly ids: Set<string> | undefined;
  constructor(keepIds = false) {
    this.ids = keepIds ? new Set() : undefined;
  }
  otherMessages: Record<string, number> = {};
  logged429 = 0;
  statuses: Record<string, string> = {};
  warnings: string[] = [];
  notes: string[] = [];
  private head: Buffer[] = []; // start of the current line while it is undecided or not a record
  private headLen = 0;
  private state: 'start' | 'record' | 'other' = 'start';

  push(chunk: Buffer): void {
    let pos = 0;
    const n = chunk.length;
    while (pos < n) {
      const nl = chunk.indexOf(NL, pos);
      const end = nl === -1 ? n : nl;
      if (this.state === 'start' && this.headLen === 0 && end - pos >= RECORD_PREFIX.length) {
        // fast path: the whole prefix is in this chunk
        this.state = chunk.compare(RECORD_PREFIX, 0, RECORD_PREFIX.length, pos, pos + RECORD_PREFIX.length) === 0 ? 'record' : 'other';
        if (this.state === 'other' || this.ids) this.keep(chunk.subarray(pos, end));
      } else if (this.state !== 'record' || this.ids) {
        this.keep(chunk.subarray(pos, end));
        if (this.state === 'start' && this.headLen >= RECORD_PREFIX.length) {
          const head = Buffer.concat(this.head, this.headLen);
          if (head.compare(RECORD_PREFIX, 0, RECORD_PREFIX.length, 0, RECORD_PREFIX.length) === 0) {
            this.state = 'record';
            this.head = [];
            this.headLen = 0;
          } else this.state = 'other';
        }
      }
      if (nl === -1) return;
      this.endLine();
      pos = nl + 1;
    }
  }

  finish(): void {
    if (this.state !== 'start' || this.headLen > 0) this.endLine();
  }

  private keep(part: Buffer): void {
    if (part.length === 0) return;
    this.head.push(Buffer.from(part)); // copy: the chunk is reused by nobody, but keep it small
    this.headLen += part.length;
  }

  private endLine(): void {
    if (this.state === 'record') {
      this.records++;
      if (this.ids && this.headLen > 0) this.ids.add(String((JSON.parse(Buffer.concat(this.head, this.headLen).toString('utf8')) as { record: { data: { id: unknown } } }).record.data.id));
    } else if (this.headLen > 0) this.classify(Buffer.concat(this.head, this.headLen).toString('utf8'));
    this.head = [];
    this.headLen = 0;
    this.state = 'start';
  }

  private classify(line: string): void {
    let type = 'NOT_JSON';
    try {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const msg = JSON.parse(line) as { type?: unknown; trace?: any; log?: any; state?: any };
      if (typeof msg.type === 'string') type = msg.type;
      if (msg.state?.stream) this.lastStates[msg.state.stream.stream_descriptor.name] = { type: 'STREAM', stream: msg.state.stream };
      const status = msg.trace?.stream_status;
      if (status) this.statuses[status.stream_descriptor.name] = status.status;
      if (msg.log?.level === 'WARN') this.warnings = [...this.warnings.slice(-49), String(msg.log.message)];
    } catch {
      /* counted as NOT_JSON */
    }
    this.otherMessages[type] = (this.otherMessages[type] ?? 0) + 1;
    if (type === 'LOG' && line.includes('HTTP 429')) this.logged429++;
    if (type !== 'STATE') {
      this.notes.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
      if (this.notes.length > 12) this.notes.shift();
    }
  }
}

const hasGnuTime = ((): boolean => {
  if (!existsSync(GNU_TIME)) return false;
  const r = spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' });
  return r.status === 0 && /^\d+\s*$/.test(r.stderr.trim().split('\n').pop() ?? '');
})();

export const RSS_METHOD = hasGnuTime ? 'GNU time %M (ru_maxrss)' : '/proc/<pid>/status VmHWM, polled every 20 ms';

export const live = new Set<ChildProcess>();

/** Runs `command` (program and arguments) to its end, or kills it after `timeoutMs`, and measures it. */
export function runMeasured(command: string[], env: NodeJS.ProcessEnv, tmp: string, timeoutMs?: number, keepIds = false): Promise<ChildRun> {
  const rssFile = path.join(tmp, `rss-${process.hrtime.bigint()}.txt`);
  const [cmd, argv] = hasGnuTime ? [GNU_TIME, ['-f', '%M', '-o', rssFile, ...command]] : [command[0], command.slice(1)];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    // Its own process group, so a timeout stops the program under GNU time too, not only time itself.
    const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    live.add(child);
    const killer = timeoutMs === undefined ? undefined : setTimeout(() => killGroup(child), timeoutMs);
    const counter = new LineCounter(keepIds);
    let stderrTail = '';
    let hwmKB = 0;
    let poll: NodeJS.Timeout | undefined;
    if (!hasGnuTime && child.pid !== undefined) {
      const statusFile = `/proc/${child.pid}/status`;
      poll = setInterval(() => {
        try {
          const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(statusFile, 'utf8'));
          if (m) hwmKB = Math.max(hwmKB, Number(m[1]));
        } catch {
          /* exited between polls */
        }
      }, 20);
    }
    child.stdout!.on('data', (chunk: Buffer) => counter.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', (err) => {
      if (poll) clearInterval(poll);
      live.delete(child);
      reject(err);
    });
    child.on('close', (code, signal) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (killer) clearTimeout(killer);
      if (poll) clearInterval(poll);
      live.delete(child);
      counter.finish();
      let peakKB: number | null = hwmKB || null;
      if (hasGnuTime) {
        try {
          const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
          const v = Number(lines[lines.length - 1]);
          peakKB = Number.isFinite(v) && v > 0 ? v : null;
          if (lines.length > 1) stderrTail += `\n${lines.slice(0, -1).join('\n')}`;
        } catch {
          peakKB = null;
        }
        rmSync(rssFile, { force: true });
      }
      resolve({
        records: counter.records,
        seconds,
        recordsPerSecond: counter.records / seconds,
        peakRssMB: peakKB === null ? null : peakKB / 1024,
        exitCode: code,
        signal,
        otherMessages: counter.otherMessages,
        logged429: counter.logged429,
        statuses: counter.statuses,
        warnings: counter.warnings,
        lastStates: counter.lastStates,
        ids: counter.ids,
        notes: counter.notes,
        stderrTail: stderrTail.trim(),
      });
    });
  });
}

// ---- simulator as a separate process ---------------------------------------------------

export interface SimProcess {
  url: string;
  stop(): Promise<void>;
}

export function startSimProcess(args: string[]): Promise<SimProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SIMULATOR, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
    const exited = new Promise<void>((res) => child.once('close', () => res()));
    const lines = createInterface({ input: child.stdout! });
    let ready = false;
    const fail = (why: string): void => {
      if (ready) return;
      live.delete(child);
      reject(new Error(`simulator ${why}${stderr ? `: ${stderr.trim()}` : ''}`));
    };
    child.once('error', (err) => fail(`did not start (${err.message})`));
    child.once('close', (code) => fail(`exited with ${code} before printing its URL`));
    lines.once('line', (line) => {
      ready = true;
      lines.close();
      child.stdout!.resume();
      const { url } = JSON.parse(line) as { url: string };
      resolve({
        url,
        async stop() {
          child.kill('SIGTERM');
          await exited;
          live.delete(child);
        },
      });
    });
  });
}

// ---- small helpers -------------------------------------------------------------------

export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

export const fmtInt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
export const fmtMB = (n: number | null): string => (n !== null && Number.isFinite(n) ? `${n.toFixed(1)} MB` : 'n/a');
export const fmtRun = (r: ChildRun): string => `${fmtInt(r.recordsPerSecond)} rec/s, ${fmtMB(r.peakRssMB)}, ${r.seconds.toFixed(2)} s, exit ${r.exitCode ?? r.signal}`;

function killGroup(c: ChildProcess): void {
  try {
    if (c.pid !== undefined) process.kill(-c.pid, 'SIGTERM');
  } catch {
    c.kill('SIGTERM');
  }
}

export function killChildren(): void {
  for (const c of live) killGroup(c);
}
