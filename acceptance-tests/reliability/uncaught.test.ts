/**
 * Issue 16, point 7: an exception or a promise rejection that nothing catches
 * must end the process, non-zero, right after its ERROR trace: nothing may be
 * read or written after it, and nothing may keep the process alive.
 *
 * The fault comes from outside the connector, with no hook in its code: Node
 * preloads a module given in NODE_OPTIONS (`--import` of a data: URL, so it
 * reaches the image through `docker run -e NODE_OPTIONS` as well). The module
 * waits for the connector's first RECORD on stdout, then throws (or rejects)
 * from a callback of its own, where nothing can catch it; one variant also
 * leaves a timer that would keep any process alive for good. (Before the fix
 * the rejection's run even exited 0: the read's own exit code overwrote it.)
 */
import { Simulator, startSimulator } from '../simulator';
import { catalogOf, collectingRunner, fastConfig, smallCounts } from '../helpers/reliability';
import { Message, RunResult } from '../helpers/run-connector';

const { run, leaks } = collectingRunner();
let sim: Simulator;

beforeAll(async () => {
  // Enough pages that a read which went on after the fault would be seen emitting more records.
  sim = await startSimulator({ counts: smallCounts({ items: 3000 }), latencyMs: 20 });
});
afterAll(() => sim?.close());
afterAll(() => expect(leaks()).toEqual([]));

const FAULT = 'fault injected from outside';

/** NODE_OPTIONS preloading a module that, after the first RECORD line, runs `fault` in a callback of its own. */
function faultAfterFirstRecord(fault: string): Record<string, string> {
  const code = `
    const write = process.stdout.write.bind(process.stdout);
    let armed = true;
    process.stdout.write = (chunk, ...rest) => {
      const written = write(chunk, ...rest);
      if (armed && String(chunk).includes('"type":"RECORD"')) {
        armed = false;
        setImmediate(() => { ${fault} });
      }
      return written;
    };`;
  return { NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(code)}` };
}

function expectEndedAtTheTrace(result: RunResult): void {
  expect(result.code).not.toBe(0);
  const at = result.messages.findIndex((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
  expect(at).toBeGreaterThan(0);
  const trace = result.messages[at].trace.error as Message;
  expect(trace.failure_type).toBe('system_error');
  expect(trace.message).toBe(`Unexpected error: ${FAULT}`);
  // The records before it are the ones that were out when the fault struck; nothing follows the trace.
  expect(result.records('items').length).toBeGreaterThan(0);
  expect(result.records('items').length).toBeLessThan(3000);
  expect(result.messages.slice(at + 1).map((m) => m.type)).toEqual([]);
}

describe('an error nothing catches ends the process, non-zero, after its ERROR trace', () => {
  test('an uncaught exception, with a timer that would keep the process alive: the process still ends at once', async () => {
    const catalog = await catalogOf(run, sim, ['items']);
    const env = faultAfterFirstRecord(`setInterval(() => {}, 1 << 30); throw new Error(${JSON.stringify(FAULT)});`);
    // Before the fix the process never ended: this run would hit its timeout and fail.
    const read = await run(['read'], { config: fastConfig(sim), catalog }, { env, timeoutMs: 60_000 });
    expectEndedAtTheTrace(read);
  });

  test('an unhandled promise rejection: the read stops at the trace instead of going on', async () => {
    const catalog = await catalogOf(run, sim, ['items']);
    // The control: the same preload with no fault changes nothing (every record, exit 0); the trigger is only the fault.
    const control = await run(['read'], { config: fastConfig(sim), catalog }, { env: faultAfterFirstRecord('') });
    expect(control.errors()).toEqual([]);
    expect(control.code).toBe(0);
    expect(new Set(control.records('items').map((r) => r.data.id)).size).toBe(3000);

    const env = faultAfterFirstRecord(`Promise.reject(new Error(${JSON.stringify(FAULT)}));`);
    const read = await run(['read'], { config: fastConfig(sim), catalog }, { env, timeoutMs: 60_000 });
    expectEndedAtTheTrace(read);
  });
});
