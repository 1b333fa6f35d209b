#!/usr/bin/env -S node --max-old-space-size=512 --max-semi-space-size=4
// The heap flags above (and in the Dockerfile's ENTRYPOINT, kept equal by a test)
// keep peak memory flat: the live heap of a read is about 15 MB, but with V8's
// defaults for a large machine the heap grows to ~150 MB of garbage before it is
// collected. A 4 MB young generation and a 512 MB old-space ceiling (far above
// any real need; a tie group of a million records fits) hold a 1M-record read
// under 100 MB RSS.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runCheck } from './commands/check';
import { runDiscover } from './commands/discover';
import { runRead } from './commands/read';
import { runSpec } from './commands/spec';
import { cloudGuardFor } from './http/cloud-guard';
import { proxySecrets } from './http/proxy';
import { configError, errorMessageFor } from './protocol/errors';
import { Output } from './protocol/output';
import { Redactor } from './secrets/redactor';

/**
 * The command line: exactly the Airbyte protocol's commands. Every stdout line
 * is one AirbyteMessage; failures become a TRACE ERROR and a non-zero exit,
 * never a stack trace on stdout.
 */
// The proxy's password comes from the environment (HTTPS_PROXY, …): known before anything can be printed.
const output = new Output(process.stdout, new Redactor(proxySecrets(process.env)));
// Airbyte Cloud runs sources with DEPLOYMENT_MODE=CLOUD: public https endpoints only (cloud-guard.ts).
const guard = cloudGuardFor(process.env);

function fail(err: unknown): void {
  output.emit(errorMessageFor(err));
  process.exitCode = 1;
}

/**
 * An exception or rejection nothing caught: the run is in a state no code
 * expected, so say what happened and stop at once, before anything else can
 * be read or written. Node writes stdout synchronously to files and pipes (on
 * Linux, where the connector runs), so the ERROR trace is out before exit.
 */
function crash(err: unknown): void {
  try {
    output.emit(errorMessageFor(err));
  } finally {
    process.exit(1);
  }
}

process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);
// The platform stopped reading (cancelled sync): nothing more can be said, so stop.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 1);
  throw err;
});

async function main(): Promise<void> {
  await yargs(hideBin(process.argv))
    .scriptName('source-inventory-analytics')
    .usage('$0 <command> [options]\n\nAirbyte-protocol source for the Inventory Analytics API. Writes one AirbyteMessage per stdout line.')
    .option('debug', { type: 'boolean', default: false, describe: 'Also emit DEBUG log messages' })
    .middleware((argv) => output.enableDebug(Boolean(argv.debug)))
    .command('spec', 'Print the connector specification (SPEC)', {}, () => {
      process.exitCode = runSpec(output);
    })
    .command(
      'check',
      'Validate the config and read one record of every stream (CONNECTION_STATUS)',
      (y) => y.option('config', { type: 'string', demandOption: true, describe: 'Path to config.json' }),
      async (argv) => {
        process.exitCode = await runCheck(argv.config, output, guard);
      },
    )
    .command(
      'discover',
      'List the streams and their schemas, with the fields the API sends beyond them (CATALOG)',
      (y) => y.option('config', { type: 'string', demandOption: true, describe: 'Path to config.json' }),
      async (argv) => {
        process.exitCode = await runDiscover(argv.config, output, guard);
      },
    )
    .command(
      'read',
      'Read the configured streams (RECORD, STATE, TRACE, LOG)',
      (y) =>
        y
          .option('config', { type: 'string', demandOption: true, describe: 'Path to config.json' })
          .option('catalog', { type: 'string', demandOption: true, describe: 'Path to configured_catalog.json' })
          .option('state', { type: 'string', describe: 'Path to state.json (the last STATE messages, as a JSON array)' }),
      async (argv) => {
        process.exitCode = await runRead(argv.config, argv.catalog, argv.state, output, guard);
      },
    )
    .demandCommand(1, 'Give one of the commands: spec, check, discover, read.')
    .strict()
    .help()
    .version(false)
    .fail((msg, err) => {
      throw err ?? configError(`Invalid command line: ${msg.replace(/\.?$/, '.')} Run with --help for usage.`);
    })
    .parseAsync();
}

main().catch(fail);
