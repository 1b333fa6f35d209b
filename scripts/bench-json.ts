/**
 * `npm run bench:json` — what exact numbers cost per page (issue 17), in this
 * process, without HTTP: the pages are fetched once from the simulator, then
 * each step is timed over all of them, and the best of --rounds N rounds is kept
 * (CPU time on a shared machine: the least disturbed round is the truest).
 *
 *   plain pages:   100 items each, as the simulator serves them (no number a double cannot hold)
 *   big-id pages:  the same with `ext_id`, a 64-bit integer beyond 2^53, in every record (--big-ids)
 *
 * Steps: JSON.parse (today's parser), the pre-check alone, parseJson (pre-check +
 * native or exact parser), JSON.stringify / stringifyJson of every record. Where the
 * runtime has JSON.parse source text access (Node 21+: reviver `context.source`,
 * JSON.rawJSON), the alternative exact path is timed too: a reviver that keeps
 * lexemes a double cannot hold, and JSON.stringify writing them with JSON.rawJSON.
 * Run it with another Node to compare, e.g. `npm exec --package=node@26 -- node
 * dist/scripts/bench-json.js`. Not a test: timings never go into the test suite.
 */
import { startSimulator, DEFAULT_API_KEY } from '../acceptance-tests/simulator';
import { parseJson, stringifyJson } from '../connector/json/exact-json';
import { isExactAsDouble, mayHoldInexactNumber } from '../connector/json/numbers';

const PAGES = 40;

interface SourceJson {
  rawJSON(text: string): unknown;
  parse(text: string, reviver: (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown): unknown;
}

async function fetchPages(bigIds: boolean): Promise<string[]> {
  const sim = await startSimulator({ counts: { items: PAGES * 100 }, bigIds });
  try {
    const pages: string[] = [];
    for (let p = 0; p < PAGES; p++) {
      const res = await fetch(`${sim.url}/v1/items?api_key=${DEFAULT_API_KEY}&offset=${p * 100}&limit=100`);
      pages.push(await res.text());
    }
    return pages;
  } finally {
    await sim.close();
  }
}

/** Best µs per page over `rounds` rounds of running `step` on every page. */
function time(rounds: number, pages: number, step: () => void): number {
  step();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < 5; k++) step();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1000 / 5 / pages);
  }
  return best;
}

async function main(): Promise<void> {
  const roundsArg = process.argv.indexOf('--rounds');
  const rounds = roundsArg >= 0 ? Number(process.argv[roundsArg + 1]) : 7;
  const plain = await fetchPages(false);
  const big = await fetchPages(true);
  const records = (pages: string[], parse: (t: string) => unknown) => pages.map((t) => (parse(t) as { data: unknown[] }).data);
  const plainRecords = records(plain, JSON.parse);
  const bigRecords = records(big, parseJson);
  if (plain.some(mayHoldInexactNumber)) throw new Error('a plain page is flagged by the pre-check: the figures would not be of the native path');
  if (!big.every(mayHoldInexactNumber)) throw new Error('a big-id page is not flagged by the pre-check');

  const rows: Array<[string, string, number]> = [];
  const add = (pages: string, step: string, f: () => void, n = PAGES) => rows.push([pages, step, time(rounds, n, f)]);
  add('plain', 'JSON.parse (before issue 17)', () => plain.forEach((t) => JSON.parse(t)));
  add('plain', 'pre-check alone', () => plain.forEach((t) => mayHoldInexactNumber(t)));
  add('plain', 'parseJson (pre-check + JSON.parse)', () => plain.forEach((t) => parseJson(t)));
  add('plain', 'JSON.stringify of its records (before)', () => plainRecords.forEach((d) => d.forEach((r) => JSON.stringify(r))));
  add('plain', 'stringifyJson of its records', () => plainRecords.forEach((d) => d.forEach((r) => stringifyJson(r))));
  add('big ids', 'JSON.parse (rounds the ids)', () => big.forEach((t) => JSON.parse(t)));
  add('big ids', 'parseJson (exact: lossless-json)', () => big.forEach((t) => parseJson(t)));
  add('big ids', 'stringifyJson of its records', () => bigRecords.forEach((d) => d.forEach((r) => stringifyJson(r))));

  const native = JSON as unknown as Partial<SourceJson>;
  if (typeof native.rawJSON === 'function') {
    const rawJSON = native.rawJSON.bind(JSON);
    class Lexeme {
      constructor(readonly text: string) {}
      toJSON() {
        return rawJSON(this.text);
      }
    }
    const reviver = (_k: string, v: unknown, c?: { source?: string }) => (typeof v === 'number' && c?.source !== undefined && !isExactAsDouble(c.source) ? new Lexeme(c.source) : v);
    const sourceParse = (t: string) => (JSON.parse as SourceJson['parse'])(t, reviver);
    const sourceRecords = records(big, sourceParse);
    add('big ids', 'alternative: JSON.parse + context.source reviver', () => big.forEach((t) => sourceParse(t)));
    add('big ids', 'alternative: JSON.stringify + JSON.rawJSON', () => sourceRecords.forEach((d) => d.forEach((r) => JSON.stringify(r))));
  }

  const lines = [
    `## JSON cost per page of 100 items (issue 17), Node ${process.version}, best of ${rounds} rounds`,
    '',
    '| pages | step | µs per page |',
    '|---|---|---|',
    ...rows.map(([p, s, us]) => `| ${p} | ${s} | ${us.toFixed(0)} |`),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench-json: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
