/**
 * npm run demo: a real sync against the bundled API simulator, through the
 * real CLI as a separate process, exactly as a platform runs it.
 *
 *   spec → check → discover → read (all six streams, first sync) →
 *   a few records change → read again with the state the first read emitted.
 *
 * Protocol messages go to stdout, as the platform would see them; a short
 * human summary goes to stderr (so `npm run demo > messages.jsonl` keeps both
 * apart). The simulator enforces the API's documented rate limit (10/s,
 * bursts of 20) and answers one request with a 503 and one with a 429, so the
 * summary shows the retries too.
 */
import { spawn } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { createInterface } from 'readline';
import { DEFAULT_API_KEY, startSimulator } from '../acceptance-tests/simulator';

const CLI = resolve(__dirname, '../connector/cli.js');
const say = (line = '') => process.stderr.write(line + '\n');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Message = Record<string, any>;

interface StreamSummary {
  records: number;
  pages?: number;
  seconds?: string;
  states: number;
  lastState?: string;
  status?: string;
  retries: number;
}

async function run(args: string[]): Promise<{ code: number | null; messages: Message[]; summary: Map<string, StreamSummary>; seconds: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const messages: Message[] = [];
  const summary = new Map<string, StreamSummary>();
  const of = (s: string) => summary.get(s) ?? summary.set(s, { records: 0, states: 0, retries: 0 }).get(s)!;
  for await (const line of createInterface({ input: child.stdout })) {
    process.stdout.write(line + '\n');
    const m = JSON.parse(line) as Message;
    if (m.type === 'RECORD') {
      of(m.record.stream).records++;
      continue; // keep only the non-record messages in memory
    }
    messages.push(m);
    if (m.type === 'STATE') {
      const s = of(m.state.stream.stream_descriptor.name);
      s.states++;
      s.lastState = JSON.stringify(m.state.stream.stream_state);
    } else if (m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS') {
      of(m.trace.stream_status.stream_descriptor.name).status = m.trace.stream_status.status;
    } else if (m.type === 'LOG' && m.log.level === 'WARN') {
      const stream = /^(\w+): /.exec(m.log.message)?.[1];
      if (stream) of(stream).retries++;
    } else if (m.type === 'LOG' && m.log.level === 'INFO') {
      // The connector's per-stream summary: "items: done, 1000 records, 11 pages, … 0.12 s"
      const done = /^(\w+): (?:done|FAILED), \d+ records, (\d+) pages, .* ([\d.]+) s$/.exec(m.log.message);
      if (done) Object.assign(of(done[1]), { pages: Number(done[2]), seconds: done[3] });
    }
  }
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { code, messages, summary, seconds: (Date.now() - started) / 1000 };
}

function printSummary(title: string, r: Awaited<ReturnType<typeof run>>): void {
  say(`\n${title} (exit ${r.code}, ${r.seconds.toFixed(1)} s)`);
  say(`  ${'stream'.padEnd(16)}${'status'.padEnd(11)}${'records'.padStart(8)}${'pages'.padStart(7)}${'retries'.padStart(8)}${'states'.padStart(7)}${'time'.padStart(8)}  final state`);
  for (const [name, s] of r.summary) {
    say(
      `  ${name.padEnd(16)}${(s.status ?? '-').padEnd(11)}${String(s.records).padStart(8)}${String(s.pages ?? '-').padStart(7)}` +
        `${String(s.retries).padStart(8)}${String(s.states).padStart(7)}${`${s.seconds ?? '-'} s`.padStart(8)}  ${s.lastState ?? '-'}`,
    );
  }
}

async function main(): Promise<void> {
  const sim = await startSimulator({
    counts: { stock_summaries: 300, customers: 1000, items: 1000, stock_details: 800, inventory: 1200, orders: 1500 },
    rateLimit: { perSecond: 10, burst: 20 },
    faults: [
      { path: '/v1/items', skip: 3, times: 1, status: 503, body: 'html' },
      { path: '/v1/orders', skip: 5, times: 1, status: 429, retryAfter: { seconds: 1 } },
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), 'sia-demo-'));
  try {
    say(`Inventory Analytics API simulator on ${sim.url} (rate limit 10/s, bursts of 20).`);
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ api_key: DEFAULT_API_KEY, base_url: sim.url }));

    say('\n$ source-inventory-analytics spec');
    await run(['spec']);
    say('\n$ source-inventory-analytics check --config config.json');
    const check = await run(['check', '--config', config]);
    say(`  → ${JSON.stringify(check.messages.find((m) => m.type === 'CONNECTION_STATUS')?.connectionStatus)}`);
    say('\n$ source-inventory-analytics discover --config config.json');
    const discovered = await run(['discover', '--config', config]);
    const streams: Message[] = discovered.messages.find((m) => m.type === 'CATALOG')!.catalog.streams;
    say(`  → ${streams.map((s) => `${s.name} [${s.supported_sync_modes.join(', ')}]`).join('; ')}`);

    const catalog = join(dir, 'catalog.json');
    writeFileSync(
      catalog,
      JSON.stringify({
        streams: streams.map((s) => {
          const incremental = s.supported_sync_modes.includes('incremental');
          return {
            stream: s,
            sync_mode: incremental ? 'incremental' : 'full_refresh',
            destination_sync_mode: incremental ? 'append_dedup' : 'overwrite',
            cursor_field: s.default_cursor_field,
            primary_key: s.source_defined_primary_key,
          };
        }),
      }),
    );
    say('\n$ source-inventory-analytics read --config config.json --catalog catalog.json');
    const first = await run(['read', '--config', config, '--catalog', catalog]);
    printSummary('First sync: full history of all six streams', first);

    const lastState = new Map<string, Message>();
    for (const m of first.messages) if (m.type === 'STATE') lastState.set(m.state.stream.stream_descriptor.name, { type: 'STREAM', stream: m.state.stream });
    const state = join(dir, 'state.json');
    writeFileSync(state, JSON.stringify([...lastState.values()]));

    const changed = [...sim.records('customers')].slice(0, 3).map((r) => String(r.id));
    sim.update('customers', changed);
    const changedOrders = [...sim.records('orders')].slice(10, 15).map((r) => String(r.id));
    sim.update('orders', changedOrders);
    say(`\nMeanwhile, in the API: customers ${changed.join(', ')} and 5 orders were updated.`);

    say('\n$ source-inventory-analytics read --config config.json --catalog catalog.json --state state.json');
    const second = await run(['read', '--config', config, '--catalog', catalog, '--state', state]);
    printSummary('Second sync: incremental, from the first sync\'s state', second);
    say('\n  Incremental streams read only what changed since the first sync: its cursor is the updated_at of');
    say('  the last record it emitted (a record, never a clock reading), read again inclusively, so nothing at');
    say('  that instant can be missed. stock_summaries has no cursor and is read in full each time, its STATE');
    say('  marking a finished full refresh. Destinations dedupe on the primary key `id`.');
    const stats = sim.stats();
    say(`\nThe simulator answered ${stats.requests} requests: ${JSON.stringify(stats.byStatus)} by status.`);
    process.exitCode = first.code || second.code || 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await sim.close();
  }
}

main().catch((err) => {
  say(`demo failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 1;
});
