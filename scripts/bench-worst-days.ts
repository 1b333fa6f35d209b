/**
 * `npm run bench:worst-days` — issues 9 and 15's figures: how long a sync takes
 * to end on the API's worst days, and whether it emitted every record that
 * existed when it started, against the simulator on 127.0.0.1 (in this process,
 * so its churn and request counts can be read), with the connector's bin as a
 * separate process.
 *
 *   hot-steady   3,000 items updated at 300 per second, API limit 10/s burst 20,
 *                150 ms latency: default pages in flight vs one.
 *   churn-20     3,000 items, 20 updated after every page the API serves (10 ms
 *                latency, no rate limit): default vs one page in flight.
 *   churn-40     the same with 40 per page.
 *   hot-150      150 per page: updates outpace any read; the first sync and a
 *                second one from its state must both end (with a WARN), each
 *                within 3x the table.
 *   outage       every request answered 503, six streams, max_retry_seconds 20:
 *                time until the read gives up (target <= 35 s).
 *   broken-first only /v1/stock_summaries answers 503, first in the catalog,
 *                max_retry_seconds 20: the five others must be COMPLETE with
 *                every record.
 *   memory       200,000 items, no limit, through every launch the README
 *                documents: the bin, and node with the heap flags; peak RSS
 *                (target <= 100 MB).
 *
 * Each scenario runs once by default (`--runs N` for medians of N), with a
 * 180 s ceiling per run: a run that hits it did not end. `--only a,b` picks
 * scenarios. The Markdown table goes to stdout, progress to stderr, the results
 * as JSON to .bench/worst-days.json. Not a test: timings never go into the
 * test suite.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { ChurnConfig, DEFAULT_API_KEY, FaultRule, RateLimitConfig, RESOURCES, Simulator, startSimulator } from '../acceptance-tests/simulator';
import { ChildRun, CONNECTOR, fmtInt, fmtMB, killChildren, machine, machineLine, median, progress, ROOT, RSS_METHOD, runMeasured, shippedNodeFlags } from './bench-lib';

const RESULTS = path.join(ROOT, '.bench', 'worst-days.json');
const CEILING_MS = 180_000;
const TABLE = 3000;

interface Setup {
  counts: Partial<Record<(typeof RESOURCES)[number], number>>;
  latencyMs?: number;
  rateLimit?: RateLimitConfig;
  churn?: ChurnConfig;
  faults?: FaultRule[];
}

interface Variant {
  label: string;
  config: Record<string, unknown>;
  streams: string[];
  /** How the connector is started; the bin by default. */
  launch?: string[];
  /** Then a second sync from the first one's final state, the list still changing. */
  secondFromState?: boolean;
}

interface Measured extends ChildRun {
  requests: number;
  churnUpdates: number;
  ended: boolean;
  complete: string[];
  recordsOk?: boolean;
  /** Records of the table at the start of the read that it did not emit (when the scenario checks it). */
  missedAtStart?: number;
}

interface Scenario {
  name: string;
  what: string;
  setup: Setup;
  variants: Variant[];
  /** Checks every record of these streams came out (when the scenario promises it). */
  everyRecordOf?: string[];
  /** Counts the items that existed when the read started and that it did not emit. */
  checkItemsAtStart?: boolean;
}

const fast = { requests_per_second: 1000, burst: 1000 };

/** TABLE items, `perRequest` updated after every page the API serves: default pages in flight against one. */
function churnScenario(perRequest: number): Scenario {
  return {
    name: `churn-${perRequest}`,
    what: `${fmtInt(TABLE)} items, ${perRequest} updated per page served, 10 ms latency`,
    setup: { counts: { items: TABLE }, latencyMs: 10, churn: { resource: 'items', perRequest } },
    variants: [
      { label: 'default (8 in flight)', config: fast, streams: ['items'] },
      { label: '1 in flight', config: { ...fast, max_concurrent_requests: 1 }, streams: ['items'] },
    ],
    checkItemsAtStart: true,
  };
}

const SCENARIOS: Scenario[] = [
  {
    name: 'hot-steady',
    what: `${fmtInt(TABLE)} items, 300 updates/s, API 10/s burst 20, 150 ms latency`,
    setup: { counts: { items: TABLE }, latencyMs: 150, rateLimit: { perSecond: 10, burst: 20 }, churn: { resource: 'items', perSecond: 300 } },
    variants: [
      { label: 'default (8 in flight)', config: {}, streams: ['items'] },
      { label: '1 in flight', config: { max_concurrent_requests: 1 }, streams: ['items'] },
    ],
    checkItemsAtStart: true,
  },
  churnScenario(20),
  churnScenario(40),
  {
    name: 'hot-150',
    what: `${fmtInt(TABLE)} items, 150 updated per page served (updates outpace reads)`,
    setup: { counts: { items: TABLE }, latencyMs: 10, churn: { resource: 'items', perRequest: 150 } },
    variants: [{ label: 'default (8 in flight)', config: fast, streams: ['items'], secondFromState: true }],
  },
  {
    name: 'outage',
    what: 'every request answered 503, six streams, max_retry_seconds 20',
    setup: { counts: Object.fromEntries(RESOURCES.map((r) => [r, 250])), faults: [{ status: 503, body: 'html', times: Infinity }] },
    variants: [{ label: 'default', config: { max_retry_seconds: 20 }, streams: [...RESOURCES] }],
  },
  {
    name: 'broken-first',
    what: '/v1/stock_summaries answers 503, first of six streams, max_retry_seconds 20',
    setup: { counts: Object.fromEntries(RESOURCES.map((r) => [r, 1250])), faults: [{ path: '/v1/stock_summaries', status: 503, times: Infinity }] },
    variants: [{ label: 'default', config: { max_retry_seconds: 20 }, streams: [...RESOURCES] }],
    everyRecordOf: RESOURCES.filter((r) => r !== 'stock_summaries'),
  },
  {
    name: 'memory',
    what: '200,000 items, no latency, no rate limit, per documented launch',
    setup: { counts: { items: 200_000 } },
    variants: [
      { label: 'the bin (dist/connector/cli.js)', config: { requests_per_second: 100_000, burst: 100_000 }, streams: ['items'] },
      {
        label: 'node + heap flags',
        config: { requests_per_second: 100_000, burst: 100_000 },
        streams: ['items'],
        launch: [process.execPath, ...shippedNodeFlags(), CONNECTOR],
      },
      {
        label: 'node without flags (not documented)',
        config: { requests_per_second: 100_000, burst: 100_000 },
        streams: ['items'],
        launch: [process.execPath, CONNECTOR],
      },
    ],
    everyRecordOf: ['items'],
  },
];

function parseArgs(argv: string[]): { runs: number; only?: string[] } {
  let runs = 1;
  let only: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') runs = Number(argv[++i]);
    else if (a === '--only') only = argv[++i].split(',');
    else if (a === '--help' || a === '-h') {
      process.stderr.write(`usage: npm run bench:worst-days -- [--runs N] [--only ${SCENARIOS.map((s) => s.name).join(',')}]\n`);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive integer');
  const unknown = only?.filter((n) => !SCENARIOS.some((s) => s.name === n)) ?? [];
  if (unknown.length) throw new Error(`unknown scenario(s): ${unknown.join(', ')}`);
  return { runs, only };
}

/** One run of the variant, and the second sync from its state when the variant asks for one. */
async function runVariant(s: Scenario, v: Variant, tmp: string): Promise<Measured[]> {
  const sim: Simulator = await startSimulator({
    seed: 11,
    counts: Object.fromEntries(RESOURCES.map((r) => [r, s.setup.counts[r] ?? 0])),
    latencyMs: s.setup.latencyMs,
    rateLimit: s.setup.rateLimit,
    faults: s.setup.faults,
  });
  try {
    const expected = Object.fromEntries((s.everyRecordOf ?? []).map((r) => [r, [...sim.records(r as (typeof RESOURCES)[number])].length]));
    const config = path.join(tmp, 'config.json');
    const catalog = path.join(tmp, 'catalog.json');
    const state = path.join(tmp, 'state.json');
    writeFileSync(config, JSON.stringify({ api_key: DEFAULT_API_KEY, base_url: sim.url, ...v.config }));
    writeFileSync(
      catalog,
      JSON.stringify({
        streams: v.streams.map((name) => ({
          stream: { name, json_schema: {}, supported_sync_modes: name === 'stock_summaries' ? ['full_refresh'] : ['full_refresh', 'incremental'] },
          sync_mode: name === 'stock_summaries' ? 'full_refresh' : 'incremental',
          destination_sync_mode: 'append',
        })),
      }),
    );
    const atStart = s.checkItemsAtStart ? [...sim.records('items')].map((r) => String(r.id)) : undefined;
    if (s.setup.churn) sim.setOptions({ churn: s.setup.churn });
    const measure = async (withState: boolean): Promise<Measured> => {
      const before = sim.stats();
      const command = [...(v.launch ?? [CONNECTOR]), 'read', '--config', config, '--catalog', catalog, ...(withState ? ['--state', state] : [])];
      const r = await runMeasured(command, process.env, tmp, CEILING_MS, atStart !== undefined);
      const stats = sim.stats();
      const complete = Object.entries(r.statuses)
        .filter(([, st]) => st === 'COMPLETE')
        .map(([name]) => name);
      const total = Object.values(expected).reduce((a, b) => a + b, 0);
      return {
        ...r,
        requests: stats.requests - before.requests,
        churnUpdates: stats.churnUpdates - before.churnUpdates,
        ended: r.signal === null && Object.keys(r.statuses).length === v.streams.length && Object.values(r.statuses).every((x) => x === 'COMPLETE' || x === 'INCOMPLETE'),
        complete,
        // Every record of the promised streams at least once (records of other streams add up too: compare the sum).
        recordsOk: s.everyRecordOf ? s.everyRecordOf.every((n) => complete.includes(n)) && r.records >= total : undefined,
        missedAtStart: atStart && !withState ? atStart.filter((id) => !r.ids!.has(id)).length : undefined,
      };
    };
    const first = await measure(false);
    if (!v.secondFromState) return [first];
    writeFileSync(state, JSON.stringify(Object.values(first.lastStates)));
    return [first, await measure(true)];
  } finally {
    sim.setOptions({ churn: null });
    await sim.close();
  }
}

function row(s: Scenario, v: Variant, runs: Measured[]): string {
  const m = (f: (r: Measured) => number) => median(runs.map(f));
  const r = runs[0];
  const ended = runs.every((x) => x.ended);
  const warned = runs.some((x) => x.warnings.some((w) => /changes faster than it can be read/.test(w)));
  const cells = [
    s.name,
    v.label,
    ended ? `${m((x) => x.seconds).toFixed(1)} s` : `**not ended** after ${(CEILING_MS / 1000).toFixed(0)} s`,
    fmtInt(m((x) => x.records)),
    fmtInt(m((x) => x.requests)),
    s.setup.churn ? fmtInt(m((x) => x.churnUpdates)) : '—',
    `${r.complete.length} of ${v.streams.length}`,
    warned ? 'yes' : '—',
    s.everyRecordOf ? (runs.every((x) => x.recordsOk) ? 'yes' : '**no**') : '—',
    r.missedAtStart === undefined ? '—' : runs.every((x) => x.missedAtStart === 0) ? 'yes' : `**no**: ${fmtInt(m((x) => x.missedAtStart ?? NaN))} missed`,
    fmtMB(m((x) => x.peakRssMB ?? NaN)),
  ];
  return `| ${cells.join(' | ')} |`;
}

async function main(): Promise<void> {
  const { runs, only } = parseArgs(process.argv.slice(2));
  const m = machine();
  progress(`machine: ${machineLine(m)}`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-worst-'));
  const lines: string[] = [];
  const json: Record<string, unknown> = {};
  try {
    for (const s of SCENARIOS.filter((x) => !only || only.includes(x.name))) {
      progress(`${s.name}: ${s.what}`);
      for (const v of s.variants) {
        const measured: Measured[][] = [];
        for (let i = 0; i < runs; i++) {
          const syncs = await runVariant(s, v, tmp);
          measured.push(syncs);
          for (const [k, r] of syncs.entries()) {
            progress(
              `  ${v.label}${k ? ', second sync' : ''} run ${i + 1}/${runs}: ${r.ended ? `${r.seconds.toFixed(1)} s` : 'NOT ENDED'}, ${fmtInt(r.records)} records, ` +
                `${r.requests} requests, ${r.churnUpdates} updates, complete: ${r.complete.join(' ') || '-'}, ${fmtMB(r.peakRssMB)}, exit ${r.exitCode ?? r.signal}` +
                `${r.missedAtStart === undefined ? '' : `, ${r.missedAtStart} items of the start not emitted`}`,
            );
          }
        }
        for (let k = 0; k < measured[0].length; k++) {
          const label = k ? `${v.label}, then a second sync from its state` : v.label;
          lines.push(row(s, { ...v, label }, measured.map((syncs) => syncs[k])));
          json[`${s.name} / ${label}`] = measured.map((syncs) => syncs[k]).map(({ notes: _n, stderrTail: _e, ids: _i, ...rest }) => rest);
        }
      }
    }
    const out = [
      `## Worst days (issues 9 and 15)${runs > 1 ? `, medians of ${runs} runs` : ''}`,
      '',
      `Machine: ${machineLine(m)}; peak RSS via ${RSS_METHOD}; a run not ended after ${CEILING_MS / 1000} s is stopped.`,
      '',
      '| scenario | connector | time to end | records | API requests | updates meanwhile | streams COMPLETE | WARN (outpaced) | every record | every item of the start | peak RSS |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      ...lines,
    ].join('\n');
    process.stdout.write(`${out}\n`);
    mkdirSync(path.dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify({ machine: m, at: new Date().toISOString(), runs, results: json }, null, 2)}\n`);
    progress(`results written to ${path.relative(process.cwd(), RESULTS) || RESULTS}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

process.on('SIGINT', () => {
  killChildren();
  process.exit(130);
});
main().catch((err: unknown) => {
  killChildren();
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
