import type { Config } from '../config/config';
import type { ApiClient } from '../http/api-client';
import { InFlightLimit } from '../paging/in-flight';
import { OffsetPager } from '../paging/offset-pager';
import { PageFetcher, readPass } from '../paging/page-loop';
import { asConnectorError, ConnectorError, errorMessageFor, transientError } from '../protocol/errors';
import { streamStatus } from '../protocol/messages';
import type { Output } from '../protocol/output';
import type { Row } from '../records/selector';
import { UndeclaredFields, undeclaredFieldsWarning } from '../records/undeclared-fields';
import { Checkpoint } from '../state/checkpoint';
import { ResumePoint, Resumption, stateBlob } from '../state/stream-state';
import { formatTimestamp, maxMicros } from '../state/timestamp';
import { readWindows, WindowOutcome } from '../windows/window-reader';
import type { StreamPlan } from './configured-catalog';
import type { OutageGuard } from './outage-guard';
import { getPage, pageFetcher } from './requester';
import { StreamOutput } from './stream-output';

export interface ReadContext {
  config: Config;
  client: ApiClient;
  output: Output;
  outage: OutageGuard;
}

export interface StreamResult {
  stream: string;
  records: number;
  pages: number;
  restarts: number;
  /** Passes over the list (streams with a cursor read in several, see windows/). */
  passes: number;
  /** Top-level fields the records carried that the configured catalog does not declare. */
  undeclaredFields: number;
  /** The last STATE blob emitted, as JSON. */
  checkpoint?: string;
  error?: ConnectorError;
}

/** How a stream's rows become messages, and how the read reports its progress: the part of a read that talks. */
interface Emitter {
  out: StreamOutput;
  fetch: PageFetcher;
  inFlight: InFlightLimit;
  /** A page's rows as RECORDs, and the STATE at `at` after them; a field the catalog does not declare is said once. */
  emit(rows: readonly Row[], at: ResumePoint): Promise<void>;
  /** The list changed under the read: said once per stream at INFO, then at DEBUG; a start over is a WARN. */
  restarted(reason: string, startOver: boolean): void;
}

/**
 * The generic engine: reads one stream of any definition. Statuses bracket
 * the stream: STARTED, RUNNING, then COMPLETE, or INCOMPLETE with an ERROR
 * trace. Streams with a cursor are read in passes whose bounds and
 * checkpoints are records (windows/, state/checkpoint.ts); the list without
 * one is read once, by id.
 */
export async function readStream(ctx: ReadContext, plan: StreamPlan, resumption: Resumption): Promise<StreamResult> {
  const { def, syncMode } = plan;
  const { output, config, client } = ctx;
  const out = new StreamOutput(output, def.name, (at) => stateBlob({ name: def.name, cursorField: def.cursor?.field }, syncMode, at));
  const undeclared = new UndeclaredFields(plan.jsonSchema);
  let restarts = 0;
  const emitter: Emitter = {
    out,
    fetch: pageFetcher(client, def),
    inFlight: new InFlightLimit(config.maxConcurrentRequests),
    emit: (rows, at) => {
      const records = rows.map((r) => r.record);
      const fresh = undeclared.observeAll(records);
      if (fresh.length) output.log('WARN', undeclaredFieldsWarning(def.name, fresh));
      return out.page(records, at);
    },
    restarted: (reason, startOver) => {
      restarts++;
      if (startOver) output.log('WARN', `${def.name}: ${reason}; records already emitted will come again.`);
      else if (restarts === 1) {
        output.log(
          'INFO',
          `${def.name}: the list changed while paging (${reason}); resuming from the last record read. Later restarts are counted in the stream's summary.`,
        );
      } else output.log('DEBUG', `${def.name}: restart ${restarts} (${reason}).`);
    },
  };

  out.started();
  if (resumption.note) output.log(resumption.note.level, resumption.note.message);
  const totals = { pages: 0, passes: 0 };
  let error: ConnectorError | undefined;
  try {
    totals.pages += await probeAfterOutage(ctx, plan, out);
    const read = def.cursor ? await readByCursor(ctx, plan, resumption.point, emitter) : await readById(plan, resumption.point, emitter);
    totals.pages += read.pages;
    totals.passes = read.passes;
    if (read.outpaced) outpaced(def.name, syncMode, read.outpaced, read.end, output);
    await out.finish(syncMode === 'full_refresh' ? 'complete' : read.end);
  } catch (err) {
    error = asConnectorError(err);
    output.emit(errorMessageFor(error, def.name));
    output.emit(streamStatus(def.name, 'INCOMPLETE'));
  }
  return { stream: def.name, records: out.records, ...totals, restarts, undeclaredFields: undeclared.count, checkpoint: out.lastState, error };
}

interface ReadSummary {
  /** Where the next incremental read resumes. */
  end: ResumePoint;
  pages: number;
  passes: number;
  /** Set when updates outpaced reads and the read stopped at its budget. */
  outpaced?: Extract<WindowOutcome, { kind: 'outpaced' }>;
}

/**
 * After an outage spent a stream's budget (outage-guard.ts), one request on a
 * short budget before this stream reads, so an API that is still down costs
 * seconds, not another max_retry_seconds. Returns the requests made.
 */
async function probeAfterOutage(ctx: ReadContext, plan: StreamPlan, out: StreamOutput): Promise<number> {
  const suspicion = ctx.outage.suspicion;
  if (!suspicion) return 0;
  const { def } = plan;
  try {
    out.answered((await getPage(ctx.client, def, { [def.paginator.offsetParam]: 0, [def.paginator.limitParam]: 1 }, ctx.outage.probe)).total);
  } catch (err) {
    const e = asConnectorError(err);
    throw e.exhausted ? ctx.outage.probeFailed(def.name, e) : e;
  }
  ctx.outage.cleared();
  return 1;
}

/**
 * A stream ordered by (updated_at, id). The state's cursor is the floor no
 * checkpoint goes below; an incremental read starts `lookback_window_seconds`
 * before it, never before start_date; end_date bounds every request.
 */
async function readByCursor(ctx: ReadContext, plan: StreamPlan, point: ResumePoint, e: Emitter): Promise<ReadSummary> {
  const { config, client } = ctx;
  const { def, syncMode } = plan;
  const stateCursor = point.kind === 'cursor' ? point.cursor : undefined;
  const floor = maxMicros(config.startDate, stateCursor);
  const lookback = syncMode === 'incremental' && stateCursor !== undefined ? stateCursor - config.lookback : undefined;
  const checkpoint = new Checkpoint(floor, () => client.clock.ceiling());
  const at = (): ResumePoint => (checkpoint.cursor === undefined ? { kind: 'start' } : { kind: 'cursor', cursor: checkpoint.cursor });

  const read = await readWindows({
    fetch: e.fetch,
    limit: def.paginator.limit,
    start: lookback === undefined ? floor : maxMicros(config.startDate, lookback),
    end: config.endDate,
    inFlight: e.inFlight,
    checkpoint,
    sink: { answered: (page) => e.out.answered(page.total), rows: (rows) => e.emit(rows, at()), restarted: e.restarted },
  });
  return { end: at(), pages: read.pages, passes: read.passes, outpaced: read.outcome.kind === 'outpaced' ? read.outcome : undefined };
}

/**
 * Updates outpaced reads and the read stopped at its budget. Incremental: the
 * stream is complete up to its checkpoint, a record, and the next sync goes on
 * from there; a WARN says so. Full refresh: ending COMPLETE would tell an
 * overwrite destination to drop the records not read, so the stream fails,
 * transiently: the platform's retry goes on from the last checkpoint.
 */
function outpaced(stream: string, mode: string, o: Extract<WindowOutcome, { kind: 'outpaced' }>, end: ResumePoint, output: Output): void {
  const cursor = end.kind === 'cursor' ? end.cursor : undefined;
  const read = `after ${o.emitted} records read, ${(o.emitted / Math.max(1, o.held)).toFixed(1)} times the ${o.held} the stream held when the read started`;
  if (mode === 'incremental') {
    output.log(
      'WARN',
      `${stream}: the list changes faster than it can be read: ${read}, about ${o.unread} record(s) updated during this sync were still unread. ` +
        `The stream is complete up to ${cursor === undefined ? 'its start' : formatTimestamp(cursor)} (a record it emitted); the next sync picks up the rest from there.`,
    );
    return;
  }
  throw transientError(
    `Stream ${stream} changes faster than it can be read in full: ${read}, about ${o.unread} record(s) updated during the read were still unread. ` +
      `Ending the full refresh now would drop them from an overwritten table, so it is marked incomplete; a retry goes on from the last checkpoint. ` +
      `Sync ${stream} incrementally (append + dedupe) to keep up with a table that changes this fast.`,
  );
}

/** The list without a cursor (ordered by id): one pass, resumable from a position, ended by `total`. */
async function readById(plan: StreamPlan, point: ResumePoint, e: Emitter): Promise<ReadSummary> {
  const pager = new OffsetPager({
    limit: plan.def.paginator.limit,
    hasCursor: false,
    resumeAfter: point.kind === 'position' ? { id: point.id, offset: point.offset } : undefined,
  });
  const at = (): ResumePoint =>
    pager.position ? { kind: 'position', id: pager.position.id, offset: pager.positionOffset ?? 0 } : { kind: 'start' };
  const fetch: PageFetcher = (req, signal) =>
    e.fetch(req, signal).then((page) => {
      e.out.answered(page.total);
      return page;
    });
  const pass = await readPass(pager, fetch, e.inFlight, { rows: (rows) => e.emit(rows, at()), restarted: (reason, _n, startOver) => e.restarted(reason, startOver) });
  return { end: at(), pages: pass.pages, passes: 1 };
}
