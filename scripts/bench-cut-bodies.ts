/**
 * `npm run bench:cut-bodies` — the "cut bodies" figure of issue 9, against the
 * simulator on 127.0.0.1.
 *
 * A six-stream full sync of 7,500 records (1,250 a stream) with the connector's
 * default config (request timeout 60 s, retry budget 300 s, first backoff 1 s,
 * 10 requests/s, burst 20, 8 in flight), the simulator enforcing the API's
 * documented rate limit (10/s, bursts of 20) with 150 ms latency, and a fixed
 * fault schedule over the sequence of responses the simulator sends (all
 * endpoints, retries included):
 *
 *   - "with cuts": 1 response in 20 (5 %) is a 200 page whose connection closes
 *     halfway through the Content-Length its headers announced; 1 in 20 is a
 *     5xx (500/502/503/504 in turn) and 1 in 50 a 429 (Retry-After: 1);
 *   - "no cuts": the same schedule with the cut slots answered normally, so the
 *     5xx and 429 faults land on the same responses.
 *
 * Prints the median wall time of each (spawn to exit, --runs N, default 3), the
 * responses sent and the faults the connector reported retrying, and the ratio
 * with cuts / without (target: at most 2×). Each run must exit 0 with exactly
 * 7,500 RECORD lines. The same figures go to .bench/cut-bodies.json. Not a
 * test: timings never go into the test suite.
 */
import { spawn } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { createInterface } from 'readline';
import { DEFAULT_API_KEY, FaultRule, RESOURCES, Simulator, startSimulator } from '../acceptance-tests/simulator';

const ROOT = path.resolve(__dirname, '..', '..');
const CONNECTOR = path.join(ROOT, 'dist', 'connector', 'cli.js');
const RESULTS = path.join(ROOT, '.bench', 'cut-bodies.json');

const PER_STREAM = 1_250;
const RECORDS = PER_STREAM * RESOURCES.length;
/** Schedule slots: far more than the ~80 pages (plus retries) of the sync. */
const SLOTS = 1_000;
const SERVER_ERRORS = [500, 502, 503, 504] as const;
const TARGET_RATIO = 2;

type Slot = 'ok' | 'cut' | (typeof SERVER_ERRORS)[number] | 429;

/** What the i-th response of the sync is: a cut every 20th (offset 7), a 5xx every 20th (offset 17), a 429 every 50th. */
function slot(i: number): Slot {
  if (i % 20 === 7) return 'cut';
  if (i % 20 === 17) return SERVER_ERRORS[Math.floor(i / 20) % SERVER_ERRORS.length];
  if (i % 50 === 33) return 429;
  return 'ok';
}

/**
 * The simulator's fault rules for the schedule: one rule per faulty slot, for
 * any path, whose `skip` lets the normal responses before it through (the first
 * active rule decides, so the rules play out in order). Without cuts, a cut slot
 * is answered normally and every other fault keeps its place.
 */
function rules(withCuts: boolean): FaultRule[] {
  const out: FaultRule[] = [];
  let skip = 0;
  for (let i = 0; i < SLOTS; i++) {
    const s = slot(i);
    if (s === 'ok' || (s === 'cut' && !withCuts)) {
      skip++;
      continue;
    }
    if (s === 'cut') out.push({ skip, times: 1, drop: 'content-length' });
    else if (s === 429) out.push({ skip, times: 1, status: 429, retryAfter: { seconds: 1 } });
    else out.push({ skip, times: 1, status: s, body: 'html' });
    skip = 0;
  }
  return out;
}

const CATALOG = {
  streams: RESOURCES.map((name) => ({
    stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh'] },
    sync_mode: 'full_refresh',
    destination_sync_mode: 'overwrite',
  })),
};

interface SyncRun {
  seconds: number;
  records: number;
  /** Responses the simulator sent during the run. */
  responses: number;
  exitCode: number | null;
  /** Retries the connector logged, by cause. */
  retried: { cut: number; serverError: number; rateLimited: number; other: number };
}

/** Runs the CLI as shipped (its shebang carries the heap flags) and counts what it says. */
async function sync(url: string, tmp: string): Promise<SyncRun> {
  const config = path.join(tmp, 'config.json');
  const catalog = path.join(tmp, 'catalog.json');
  writeFileSync(config, JSON.stringify({ api_key: DEFAULT_API_KEY, base_url: url })); // default timeouts and limits
  writeFileSync(catalog, JSON.stringify(CATALOG));
  const started = process.hrtime.bigint();
  const child = spawn(CONNECTOR, ['read', '--config', config, '--catalog', catalog], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const run: SyncRun = { seconds: 0, records: 0, responses: 0, exitCode: null, retried: { cut: 0, serverError: 0, rateLimited: 0, other: 0 } };
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith('{"type":"RECORD"')) {
      run.records++;
      continue;
    }
    const m = JSON.parse(line) as { type: string; log?: { level: string; message: string } };
    if (m.type !== 'LOG' || m.log?.level !== 'WARN' || !/ failed \(/.test(m.log.message)) continue;
    const why = m.log.message;
    if (/closed before the response was complete/.test(why)) run.retried.cut++;
    else if (/HTTP 5\d\d/.test(why)) run.retried.serverError++;
    else if (/HTTP 429/.test(why)) run.retried.rateLimited++;
    else run.retried.other++;
  }
  run.exitCode = await exited;
  run.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return run;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const say = (line: string): void => void process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function parseArgs(argv: string[]): { runs: number } {
  let runs = 3;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    if (flag === '--runs') runs = Number(inline ?? argv[++i]);
    else if (flag === '--help' || flag === '-h') {
      say('usage: npm run bench:cut-bodies -- [--runs N]');
      process.exit(0);
    } else throw new Error(`unknown argument ${argv[i]} (use --runs N)`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive integer');
  return { runs };
}

async function main(): Promise<void> {
  const { runs } = parseArgs(process.argv.slice(2));
  const counts = Object.fromEntries(RESOURCES.map((r) => [r, PER_STREAM]));
  const sim: Simulator = await startSimulator({ counts, rateLimit: { perSecond: 10, burst: 20 }, latencyMs: 150 });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-cut-'));
  const results: Record<'noCuts' | 'withCuts', SyncRun[]> = { noCuts: [], withCuts: [] };
  try {
    for (let i = 1; i <= runs; i++) {
      for (const kind of ['noCuts', 'withCuts'] as const) {
        await sleep(2_500); // let the simulator's rate-limit bucket fill up again
        sim.setFaults(rules(kind === 'withCuts'));
        const before = sim.stats().requests;
        const r = await sync(sim.url, tmp);
        r.responses = sim.stats().requests - before;
        sim.setFaults([]);
        say(`run ${i}/${runs} ${kind}: ${r.seconds.toFixed(1)} s, ${r.records} records, ${r.responses} responses, exit ${r.exitCode}, retried ${JSON.stringify(r.retried)}`);
        if (r.exitCode !== 0 || r.records !== RECORDS) throw new Error(`${kind} run ${i}: expected exit 0 and ${RECORDS} records`);
        results[kind].push(r);
      }
    }
  } finally {
    await sim.close();
    rmSync(tmp, { recursive: true, force: true });
  }

  const row = (label: string, rs: SyncRun[]) => {
    const t = median(rs.map((r) => r.seconds));
    const { cut, serverError, rateLimited } = rs[0].retried;
    const n = rs[0].responses;
    return { label, seconds: t, line: `| ${label} | ${t.toFixed(1)} s | ${n} | ${cut} | ${serverError} | ${rateLimited} | ${rs[0].records} |` };
  };
  const base = row('same 5xx/429 faults, no cuts', results.noCuts);
  const cuts = row('1 response in 20 cut under its Content-Length', results.withCuts);
  const ratio = cuts.seconds / base.seconds;
  process.stdout.write(
    [
      `Six-stream sync of ${RECORDS.toLocaleString('en-US')} records, default config, API limit 10/s burst 20, 150 ms latency; median of ${runs} run(s).`,
      '',
      '| scenario | wall time | responses | cuts retried | 5xx retried | 429 retried | records |',
      '|---|---|---|---|---|---|---|',
      base.line,
      cuts.line,
      '',
      `ratio with cuts / without: ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'})`,
      '',
    ].join('\n'),
  );
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(
    RESULTS,
    JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, runs, ratio, noCuts: results.noCuts, withCuts: results.withCuts }, null, 2),
  );
}

main().catch((err: unknown) => {
  say(`bench:cut-bodies: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
