/**
 * Writes integration_tests/expected_records.jsonl from the SIMULATOR's generator (never
 * from connector output), at the seed and counts the suite uses (helpers/cat-fixture.ts),
 * expected_records_new_fields.jsonl from the same data with the simulator's undeclared
 * fields (extraFields), and integration_tests/spec.json from the connector's `spec` command.
 *
 *   npm run build && node dist/acceptance-tests/integration_tests/generate.js [--spec]
 *
 * expected_records.jsonl changes only when the simulator's data or the fixture changes;
 * spec.json is regenerated only on purpose (--spec), after a deliberate spec change,
 * since the suite compares the connector's spec against it.
 */
import { execFileSync } from 'child_process';
import { writeFileSync } from 'fs';
import { join, resolve } from 'path';
import { EXPECTED_EMITTED_AT, catNewFieldsSimulatorOptions, catSimulatorOptions, isExpectedSample } from '../helpers/cat-fixture';
import { RESOURCES, SimulatorOptions, startSimulator } from '../simulator';

const HERE = resolve(__dirname, '../../../acceptance-tests/integration_tests');

export async function expectedRecordLines(options: SimulatorOptions = catSimulatorOptions()): Promise<string[]> {
  const sim = await startSimulator(options);
  try {
    const lines: string[] = [];
    for (const resource of RESOURCES) {
      const all = [...sim.records(resource)];
      all.forEach((data, position) => {
        if (isExpectedSample(position, all.length)) lines.push(JSON.stringify({ stream: resource, data, emitted_at: EXPECTED_EMITTED_AT }));
      });
    }
    return lines;
  } finally {
    await sim.close();
  }
}

async function main(): Promise<void> {
  for (const [file, options] of [
    ['expected_records.jsonl', catSimulatorOptions()],
    ['expected_records_new_fields.jsonl', catNewFieldsSimulatorOptions()],
  ] as const) {
    const lines = await expectedRecordLines(options);
    writeFileSync(join(HERE, file), lines.join('\n') + '\n');
    process.stderr.write(`wrote ${lines.length} expected records to ${file}\n`);
  }
  if (process.argv.includes('--spec')) {
    const cli = resolve(__dirname, '../../connector/cli.js');
    const out = execFileSync(process.execPath, [cli, 'spec']).toString('utf8');
    const spec = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string; spec?: unknown })
      .find((m) => m.type === 'SPEC');
    if (!spec) throw new Error('the connector printed no SPEC message');
    writeFileSync(join(HERE, 'spec.json'), JSON.stringify(spec.spec, null, 2) + '\n');
    process.stderr.write('wrote spec.json\n');
  }
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
