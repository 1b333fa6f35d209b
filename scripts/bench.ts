/**
 * `npm run bench` — the benchmark of issue 6, against the simulator on 127.0.0.1.
 *
 *   1. full read of `items` at 1,000,000 records, no latency, no rate limit:
 *      records/s and peak RSS of the connector and of the bare fetch loop
 *      (scripts/bare-fetch-loop.ts), and the ratio connector / bare;
 *   2. the same at 200,000 records: peak RSS (memory must not grow with records);
 *   3. 20,000 records at 150 ms latency with the documented rate limit (10/s, burst 20)
 *      enforced by the simulator: records/s as a share of the 1,000 rec/s ceiling,
 *      and the number of 429 answers the simulator sent.
 *
 * Every figure is the median of --runs N runs (default 3). --quick: 100,000 and
 * 20,000 records, 1 run (a smoke test, not a result). Each run also checks that
 * exactly N records came out and the exit code was 0.
 *
 * Progress goes to stderr; the Markdown table to stdout; the same results as JSON
 * to .bench/results.json. Not a test: timings never go into the test suite.
 *
 * Measurement: every program under test is its own child process. Peak RSS is the
 * kernel's maximum resident set size of that process (GNU time's %M, i.e.
 * wait4's ru_maxrss) or, without GNU time, the last VmHWM read from
 * /proc/<pid>/status, polled every 20 ms. records/s = RECORD lines counted on the
 * child's stdout (streamed, never buffered) / wall seconds from spawn to exit.
 * Scenarios 1 and 2 run the simulator as a separate process (`cli.js`); scenario 3
 * runs it inside this process, the only way to read its count of 429 answers
 * (`stats().byStatus[429]`) — at 10 requests a second it costs this process nothing.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { createInterface } from 'readline';
import { DEFAULT_API_KEY, startSimulator } from '../acceptance-tests/simulator';

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
const CONNECTOR = path.join(DIST, 'connector', 'cli.js');
const BARE_LOOP = path.join(DIST, 'scripts', 'bare-fetch-loop.js');
const SIMULATOR = path.join(DIST, 'acceptance-tests', 'simulator', 'cli.js');
const RESULTS = path.join(ROOT, '.bench', 'results.json');

/**
 * The connector runs as it is shipped: with the node flags of its shebang
 * (`#!/usr/bin/env -S node <flags>`), which the Dockerfile's ENTRYPOINT repeats.
 */
function shippedNodeFlags(): string[] {
  const first = readFileSync(CONNECTOR, 'utf8').split('\n')[0];
  const m = /^#!\/usr\/bin\/env -S node(.*)$/.exec(first);
  return m ? m[1].trim().split(/\s+/).filter(Boolean) : [];
}
const GNU_TIME = '/usr/bin/time';

const CEILING = 1000; // records/s: 10 requests/s × 100 records a page
const RSS_LIMIT_MB = 100;
const RSS_SAME_TOLERANCE = 0.1; // "the same for 200,000 and 1,000,000": within 10 %
const RATE_LIMITED_LATENCY_MS = 150;

// ---- command line --------------------------------------------------------------------

interface Options {
  runs: number;
  large: number;
  small: number;
  limited: number;
  quick: boolean;
}

function parseArgs(argv: string[]): Options {
  let runs: number | undefined;
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--runs' || a.startsWith('--runs=')) {
      const v = a.includes('=') ? a.slice('--runs='.length) : argv[++i];
      runs = Number(v);
      if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive integer');
    } else if (a === '--help' || a === '-h') {
      process.stderr.write('usage: npm run bench -- [--runs N] [--quick]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (use --runs N, --quick)`);
  }
  return quick
    ? { runs: runs ?? 1, large: 100_000, small: 20_000, limited: 20_000, quick }
    : { runs: runs ?? 3, large: 1_000_000, small: 200_000, limited: 20_000, quick };
}

// ---- machine -------------------------------------------------------------------------

interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
}

function machine(): Machine {
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

function machineLine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.platform}`;
}

// ---- running a child and measuring it ------------------------------------------------

interface ChildRun {
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
  otherMessages: Record<string, number> = {};
  logged429 = 0;
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
        if (this.state === 'other') this.keep(chunk.subarray(pos, end));
      } else if (this.state !== 'record') {
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
    if (this.state === 'record') this.records++;
    else if (this.headLen > 0) this.classify(Buffer.concat(this.head, this.headLen).toString('utf8'));
    this.head = [];
    this.headLen = 0;
    this.state = 'start';
  }

  private classify(line: string): void {
    let type = 'NOT_JSON';
    try {
      const msg = JSON.parse(line) as { type?: unknown };
      if (typeof msg.type === 'string') type = msg.type;
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

const RSS_METHOD = hasGnuTime ? 'GNU time %M (ru_maxrss)' : '/proc/<pid>/status VmHWM, polled every 20 ms';

const live = new Set<ChildProcess>();

function runMeasured(args: string[], env: NodeJS.ProcessEnv, tmp: string): Promise<ChildRun> {
  const rssFile = path.join(tmp, `rss-${process.hrtime.bigint()}.txt`);
  const [cmd, argv] = hasGnuTime ? [GNU_TIME, ['-f', '%M', '-o', rssFile, process.execPath, ...args]] : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    const counter = new LineCounter();
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
        notes: counter.notes,
        stderrTail: stderrTail.trim(),
      });
    });
  });
}

// ---- simulator as a separate process ---------------------------------------------------

interface SimProcess {
  url: string;
  stop(): Promise<void>;
}

function startSimProcess(args: string[]): Promise<SimProcess> {
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

// ---- the programs under test ---------------------------------------------------------------

const CATALOG = {
  streams: [
    {
      stream: { name: 'items', json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: 'full_refresh',
      destination_sync_mode: 'overwrite',
    },
  ],
};

interface Limits {
  requestsPerSecond: number;
  burst: number;
}
const NO_LIMIT: Limits = { requestsPerSecond: 100_000, burst: 100_000 }; // a plan without a rate limit
const DOCUMENTED_LIMIT: Limits = { requestsPerSecond: 10, burst: 20 }; // the connector's defaults

function runConnector(url: string, limits: Limits, tmp: string): Promise<ChildRun> {
  const config = path.join(tmp, 'config.json');
  const catalog = path.join(tmp, 'catalog.json');
  writeFileSync(
    config,
    JSON.stringify({ api_key: DEFAULT_API_KEY, base_url: url, requests_per_second: limits.requestsPerSecond, burst: limits.burst }),
  );
  writeFileSync(catalog, JSON.stringify(CATALOG));
  return runMeasured([...shippedNodeFlags(), CONNECTOR, 'read', '--config', config, '--catalog', catalog], process.env, tmp);
}

function runBareLoop(url: string, tmp: string): Promise<ChildRun> {
  return runMeasured([BARE_LOOP], { ...process.env, BARE_BASE_URL: url, BARE_API_KEY: DEFAULT_API_KEY }, tmp);
}

// ---- results -------------------------------------------------------------------------------

interface Check {
  what: string;
  ok: boolean;
  detail: string;
}
const checks: Check[] = [];

function check(what: string, expected: number, r: ChildRun): void {
  const ok = r.exitCode === 0 && r.records === expected;
  const detail = `${r.records} records (expected ${expected}), exit ${r.exitCode ?? r.signal}`;
  checks.push({ what, ok, detail });
  if (!ok) {
    progress(`  CHECK FAILED: ${what}: ${detail}`);
    for (const n of r.notes.slice(-5)) progress(`    stdout: ${n}`);
    if (r.stderrTail) progress(`    stderr: ${r.stderrTail.slice(-1000)}`);
  }
}

function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

const fmtInt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const fmtMB = (n: number | null): string => (n !== null && Number.isFinite(n) ? `${n.toFixed(1)} MB` : 'n/a');
const fmtRun = (r: ChildRun): string => `${fmtInt(r.recordsPerSecond)} rec/s, ${fmtMB(r.peakRssMB)}, ${r.seconds.toFixed(2)} s, exit ${r.exitCode ?? r.signal}`;

interface SizeResult {
  records: number;
  connector: ChildRun[];
  bare: ChildRun[];
}

async function unlimitedScenario(records: number, opts: Options, tmp: string, label: string): Promise<SizeResult> {
  progress(`${label}: simulator with ${fmtInt(records)} items, no latency, no rate limit`);
  const sim = await startSimProcess(['--counts', JSON.stringify({ items: records }), '--rate-limit', 'off', '--latency-ms', '0']);
  const result: SizeResult = { records, connector: [], bare: [] };
  try {
    for (let i = 0; i < opts.runs; i++) {
      // alternate the order so neither program always runs on a warm (or cold) simulator
      const order: Array<'connector' | 'bare'> = i % 2 === 0 ? ['connector', 'bare'] : ['bare', 'connector'];
      for (const who of order) {
        const r = who === 'connector' ? await runConnector(sim.url, NO_LIMIT, tmp) : await runBareLoop(sim.url, tmp);
        progress(`  run ${i + 1}/${opts.runs} ${who === 'connector' ? 'connector' : 'bare loop'}: ${fmtRun(r)}`);
        check(`${label} run ${i + 1} ${who}`, records, r);
        result[who].push(r);
      }
    }
  } finally {
    await sim.stop();
  }
  return result;
}

interface LimitedRun extends ChildRun {
  simulator429: number;
  simulatorRequests: number;
}

async function rateLimitedScenario(records: number, opts: Options, tmp: string): Promise<LimitedRun[]> {
  progress(`3: simulator (in-process) with ${fmtInt(records)} items, ${RATE_LIMITED_LATENCY_MS} ms latency, rate limit 10/s burst 20`);
  const runs: LimitedRun[] = [];
  for (let i = 0; i < opts.runs; i++) {
    // a fresh simulator per run: a full token bucket and zeroed counters
    const sim = await startSimulator({
      counts: { items: records },
      rateLimit: { perSecond: DOCUMENTED_LIMIT.requestsPerSecond, burst: DOCUMENTED_LIMIT.burst },
      latencyMs: RATE_LIMITED_LATENCY_MS,
    });
    try {
      const r = await runConnector(sim.url, DOCUMENTED_LIMIT, tmp);
      const stats = sim.stats();
      const run: LimitedRun = { ...r, simulator429: stats.byStatus[429] ?? 0, simulatorRequests: stats.requests };
      progress(`  run ${i + 1}/${opts.runs} connector: ${fmtRun(r)}, ${run.simulatorRequests} requests, ${run.simulator429} × 429`);
      check(`3 run ${i + 1} connector`, records, r);
      runs.push(run);
    } finally {
      await sim.close();
    }
  }
  return runs;
}

interface Row {
  scenario: string;
  metric: string;
  connector: string;
  bare: string;
  target: string;
  met: boolean | null;
}

function table(rows: Row[]): string {
  const head = ['Scenario', 'Metric', 'Connector', 'Bare loop', 'Target', 'Met?'];
  const body = rows.map((r) => [r.scenario, r.metric, r.connector, r.bare, r.target, r.met === null ? '—' : r.met ? 'yes' : '**no**']);
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  for (const f of [CONNECTOR, BARE_LOOP, SIMULATOR]) if (!existsSync(f)) throw new Error(`${f} is missing: run npm run build`);
  const m = machine();
  progress(`machine: ${machineLine(m)}`);
  progress(`peak RSS via ${RSS_METHOD}; ${opts.runs} run(s) per figure${opts.quick ? ' (--quick: a smoke test, not a result)' : ''}`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const startedAt = new Date();
  try {
    const large = await unlimitedScenario(opts.large, opts, tmp, '1');
    const small = await unlimitedScenario(opts.small, opts, tmp, '2');
    const limited = await rateLimitedScenario(opts.limited, opts, tmp);

    const med = (runs: ChildRun[], f: (r: ChildRun) => number | null): number => median(runs.map((r) => f(r) ?? NaN));
    const rps = (r: ChildRun): number => r.recordsPerSecond;
    const rss = (r: ChildRun): number | null => r.peakRssMB;

    const connRps = med(large.connector, rps);
    const bareRps = med(large.bare, rps);
    const ratio = connRps / bareRps;
    const connRssLarge = med(large.connector, rss);
    const bareRssLarge = med(large.bare, rss);
    const connRssSmall = med(small.connector, rss);
    const bareRssSmall = med(small.bare, rss);
    const growth = (big: number, little: number): number => (big - little) / little;
    const connGrowth = growth(connRssLarge, connRssSmall);
    const bareGrowth = growth(bareRssLarge, bareRssSmall);
    const limitedRps = median(limited.map(rps));
    const share = limitedRps / CEILING;
    const max429 = Math.max(...limited.map((r) => r.simulator429));
    const median429 = median(limited.map((r) => r.simulator429));
    const allChecks = checks.every((c) => c.ok);

    const L = fmtInt(opts.large);
    const S = fmtInt(opts.small);
    const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
    const rows: Row[] = [
      { scenario: `1 (${L}, no limit)`, metric: 'records/s', connector: fmtInt(connRps), bare: fmtInt(bareRps), target: '—', met: null },
      {
        scenario: `1 (${L}, no limit)`,
        metric: 'connector / bare loop',
        connector: `${ratio.toFixed(2)}×`,
        bare: '1.00×',
        target: '≥ 1.0×',
        met: ratio >= 1.0,
      },
      {
        scenario: `1 (${L}, no limit)`,
        metric: 'peak RSS',
        connector: fmtMB(connRssLarge),
        bare: fmtMB(bareRssLarge),
        target: `≤ ${RSS_LIMIT_MB} MB`,
        met: connRssLarge <= RSS_LIMIT_MB,
      },
      {
        scenario: `2 (${S}, no limit)`,
        metric: 'peak RSS',
        connector: fmtMB(connRssSmall),
        bare: fmtMB(bareRssSmall),
        target: `≤ ${RSS_LIMIT_MB} MB`,
        met: connRssSmall <= RSS_LIMIT_MB,
      },
      {
        scenario: `1 vs 2`,
        metric: `peak RSS growth ${S} → ${L}`,
        connector: pct(connGrowth),
        bare: pct(bareGrowth),
        target: `same (within ${RSS_SAME_TOLERANCE * 100} %)`,
        met: Math.abs(connGrowth) <= RSS_SAME_TOLERANCE,
      },
      {
        scenario: `3 (${fmtInt(opts.limited)}, ${RATE_LIMITED_LATENCY_MS} ms, 10/s burst 20)`,
        metric: 'records/s',
        connector: fmtInt(limitedRps),
        bare: '—',
        target: '—',
        met: null,
      },
      {
        scenario: `3 (${fmtInt(opts.limited)}, ${RATE_LIMITED_LATENCY_MS} ms, 10/s burst 20)`,
        metric: `share of ${fmtInt(CEILING)} rec/s`,
        connector: share.toFixed(3),
        bare: '—',
        target: '≥ 0.95',
        met: share >= 0.95,
      },
      {
        scenario: `3 (${fmtInt(opts.limited)}, ${RATE_LIMITED_LATENCY_MS} ms, 10/s burst 20)`,
        metric: '429 answers (simulator count, worst run)',
        connector: String(max429),
        bare: '—',
        target: '0',
        met: max429 === 0,
      },
      {
        scenario: 'all runs',
        metric: 'exactly N records, exit 0',
        connector: `${checks.filter((c) => c.ok).length} of ${checks.length} runs`,
        bare: '(included)',
        target: 'every run',
        met: allChecks,
      },
    ];

    const out = [
      `## Benchmark (issue 6)${opts.quick ? ' — --quick smoke test, not a result' : ''}`,
      '',
      `Machine: ${machineLine(m)}`,
      `Each figure is the median of ${opts.runs} run(s); records/s = records / wall seconds from spawn to exit; peak RSS via ${RSS_METHOD}.`,
      '',
      table(rows),
      '',
    ].join('\n');
    process.stdout.write(`${out}\n`);

    const results = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      commit: gitCommit(),
      machine: m,
      options: opts,
      rssMethod: RSS_METHOD,
      targets: { limitedShare: 0.95, limited429: 0, ratioToBare: 1.0, peakRssMB: RSS_LIMIT_MB, rssSameTolerance: RSS_SAME_TOLERANCE },
      medians: {
        scenario1: { records: opts.large, connectorRecordsPerSecond: connRps, bareRecordsPerSecond: bareRps, ratio, connectorPeakRssMB: connRssLarge, barePeakRssMB: bareRssLarge },
        scenario2: { records: opts.small, connectorPeakRssMB: connRssSmall, barePeakRssMB: bareRssSmall, connectorRssGrowth: connGrowth, bareRssGrowth: bareGrowth },
        scenario3: { records: opts.limited, latencyMs: RATE_LIMITED_LATENCY_MS, rateLimit: DOCUMENTED_LIMIT, connectorRecordsPerSecond: limitedRps, shareOfCeiling: share, answers429Median: median429, answers429Max: max429 },
      },
      met: Object.fromEntries(rows.filter((r) => r.met !== null).map((r) => [`${r.scenario}: ${r.metric}`, r.met])),
      checks,
      runs: {
        scenario1: { connector: large.connector.map(slim), bare: large.bare.map(slim) },
        scenario2: { connector: small.connector.map(slim), bare: small.bare.map(slim) },
        scenario3: limited.map((r) => ({ ...slim(r), simulator429: r.simulator429, simulatorRequests: r.simulatorRequests })),
      },
    };
    mkdirSync(path.dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    progress(`results written to ${path.relative(process.cwd(), RESULTS) || RESULTS}`);
    if (!allChecks) process.exitCode = 1;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function slim(r: ChildRun): Omit<ChildRun, 'notes' | 'stderrTail'> {
  const { notes: _notes, stderrTail: _stderr, ...rest } = r;
  return rest;
}

function gitCommit(): string | null {
  const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function killChildren(): void {
  for (const c of live) c.kill('SIGTERM');
}
process.on('SIGINT', () => {
  killChildren();
  process.exit(130);
});
process.on('SIGTERM', () => {
  killChildren();
  process.exit(143);
});

main().catch((err: unknown) => {
  killChildren();
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
