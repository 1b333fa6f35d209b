#!/usr/bin/env node
/**
 * Command-line entry: starts a simulator, prints {"url": ...} as one line on stdout and
 * serves until SIGTERM/SIGINT. Diagnostics go to stderr and never include an API key.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { startSimulator } from './server';
import { RESOURCES, RateLimitConfig, Resource, SimulatorOptions } from './types';

function parseRateLimit(text: string | undefined): RateLimitConfig | null {
  if (text === undefined || text === 'off') return null;
  const m = /^(\d+(?:\.\d+)?)\/(\d+)$/.exec(text);
  if (!m) throw new Error('--rate-limit must look like PER_SECOND/BURST (e.g. 10/20) or "off"');
  return { perSecond: Number(m[1]), burst: Number(m[2]) };
}

function parseCounts(count: number | undefined, json: string | undefined): SimulatorOptions['counts'] {
  const counts: Partial<Record<Resource, number>> = {};
  if (count !== undefined) for (const r of RESOURCES) counts[r] = count;
  if (json !== undefined) {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('--counts must be a JSON object');
    Object.assign(counts, parsed);
  }
  return counts;
}

/** `--forbidden-for KEY=orders,items` (repeatable): per-key access. */
function parseForbiddenFor(values: string[] | undefined): SimulatorOptions['forbiddenByKey'] {
  if (values === undefined) return undefined;
  const byKey: Record<string, Resource[]> = {};
  for (const value of values) {
    const at = value.lastIndexOf('=');
    const resources = value.slice(at + 1).split(',').filter(Boolean);
    if (at <= 0 || !resources.length || resources.some((r) => !(RESOURCES as string[]).includes(r))) {
      throw new Error(`--forbidden-for must look like KEY=resource[,resource…] with resources among ${RESOURCES.join(', ')}`);
    }
    byKey[value.slice(0, at)] = [...(byKey[value.slice(0, at)] ?? []), ...(resources as Resource[])];
  }
  return byKey;
}

export function optionsFromArgs(argv: string[]): SimulatorOptions {
  const args = yargs(argv)
    .scriptName('simulator')
    .option('port', { type: 'number', default: 0, describe: 'port (0 = any free port)' })
    .option('host', { type: 'string', default: '127.0.0.1' })
    .option('seed', { type: 'number', default: 42 })
    .option('count', { type: 'number', describe: 'records per resource (all resources)' })
    .option('counts', { type: 'string', describe: 'JSON object of records per resource, e.g. {"items":1000}' })
    .option('rate-limit', { type: 'string', describe: 'PER_SECOND/BURST, e.g. 10/20, or off' })
    .option('latency-ms', { type: 'number', default: 0 })
    .option('api-key', { type: 'string', array: true, describe: 'valid key (repeatable)' })
    .option('forbidden', { type: 'string', array: true, choices: RESOURCES, describe: 'resource answered with 403 (repeatable)' })
    .option('forbidden-for', { type: 'string', array: true, describe: 'KEY=resource,… answered with 403 for that key only (repeatable)' })
    .option('extra-fields', { type: 'boolean', default: false, describe: 'add undeclared fields to every record' })
    .option('big-ids', { type: 'boolean', default: false, describe: 'add ext_id, a 64-bit integer beyond 2^53, to every record' })
    .strict()
    .help()
    .parseSync();
  return {
    port: args.port,
    host: args.host,
    seed: args.seed,
    counts: parseCounts(args.count, args.counts),
    rateLimit: parseRateLimit(args['rate-limit']),
    latencyMs: args['latency-ms'],
    apiKeys: args['api-key'],
    forbidden: args.forbidden as Resource[] | undefined,
    forbiddenByKey: parseForbiddenFor(args['forbidden-for']),
    extraFields: args['extra-fields'],
    bigIds: args['big-ids'],
  };
}

async function main(): Promise<void> {
  const simulator = await startSimulator(optionsFromArgs(hideBin(process.argv)));
  process.stdout.write(`${JSON.stringify({ url: simulator.url })}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    simulator.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`simulator: close failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`simulator: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  });
}
