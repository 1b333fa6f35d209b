import { ApiClient } from '../http/api-client';
import type { CloudGuard } from '../http/cloud-guard';
import { readJsonFile } from '../config/config';
import { errorTrace, streamStatus } from '../protocol/messages';
import type { Output } from '../protocol/output';
import { readInputState } from '../state/input-state';
import { resumeFrom } from '../state/stream-state';
import { planStreams } from '../streams/configured-catalog';
import { OutageGuard, PROBE_MAX_RETRY_MS, PROBE_TIMEOUT_MS } from '../streams/outage-guard';
import { readStream, StreamResult } from '../streams/reader';
import { loadConfig } from './load-config';

/**
 * read: validate everything first (config, catalog, state), then read the
 * selected streams one after the other. A stream that fails is INCOMPLETE and
 * the others still run, unless the failure dooms them all (a rejected key).
 * Exit code 1 when any stream failed. In Cloud mode `guard` must admit
 * base_url first, or the read ends with its config_error before any request.
 */
export async function runRead(
  configPath: string,
  catalogPath: string,
  statePath: string | undefined,
  output: Output,
  guard?: CloudGuard,
): Promise<number> {
  const config = loadConfig(configPath, output);
  const { plans, warnings } = planStreams(readJsonFile(catalogPath, 'catalog'));
  const state = readInputState(statePath);
  // Every stream's state is read before the first request: a broken one fails the read at once.
  const resumptions = plans.map((p) => resumeFrom({ name: p.def.name, cursorField: p.def.cursor?.field }, p.syncMode, state.get(p.def.name)));
  for (const w of warnings) output.log('WARN', w);

  const retries = new Map<string, number>();
  const client = await ApiClient.open(config, {
    guard,
    onRetry: (e) => {
      const stream = e.req.stream ?? '';
      retries.set(stream, (retries.get(stream) ?? 0) + 1);
      output.log('WARN', `${stream}: ${e.req.label} failed (${e.reason}); attempt ${e.attempt + 1} in ${(e.delayMs / 1000).toFixed(1)} s.`);
      if (e.rateLimitedUntil !== undefined && stream) output.emit(streamStatus(stream, 'RUNNING', e.rateLimitedUntil));
    },
    onResponse: output.debug
      ? (e) => output.log('DEBUG', `${e.label} → HTTP ${e.status} in ${e.ms} ms${e.attempts > 1 ? ` after ${e.attempts} attempts` : ''}`)
      : undefined,
  });
  const outage = new OutageGuard({ maxRetryMs: PROBE_MAX_RETRY_MS, timeoutMs: PROBE_TIMEOUT_MS });
  const started = Date.now();
  const results: StreamResult[] = [];
  try {
    for (const [i, plan] of plans.entries()) {
      const fatal = results.find((r) => r.error?.scope === 'sync');
      if (fatal) {
        output.emit(streamStatus(plan.def.name, 'STARTED'));
        output.emit(
          errorTrace({
            message: `Stream ${plan.def.name} was not read: ${fatal.error!.message}`,
            failure_type: fatal.error!.failureType,
            stream_descriptor: { name: plan.def.name },
          }),
        );
        output.emit(streamStatus(plan.def.name, 'INCOMPLETE'));
        continue;
      }
      const t0 = Date.now();
      const r = await readStream({ config, client, output, outage }, plan, resumptions[i]);
      results.push(r);
      outage.streamEnded(r.stream, r.error);
      output.log(
        'INFO',
        `${r.stream}: ${r.error ? 'FAILED' : 'done'}, ${r.records} records, ${r.pages} pages, ${r.passes} pass(es), ` +
          `${retries.get(r.stream) ?? 0} retries, ${r.restarts} restarts, ${r.undeclaredFields} undeclared fields, ` +
          `state ${r.checkpoint ?? '-'}, ${((Date.now() - t0) / 1000).toFixed(2)} s`,
      );
    }
  } finally {
    client.close();
  }
  const failed = plans.length - results.filter((r) => !r.error).length;
  output.log('INFO', `Sync finished in ${((Date.now() - started) / 1000).toFixed(2)} s: ${plans.length - failed} of ${plans.length} streams complete.`);
  await output.drain();
  return failed ? 1 : 0;
}
