import type { Config } from '../config/config';
import type { ApiClient, RequestOptions } from '../http/api-client';
import { sleep } from '../http/types';
import { InFlightLimit } from '../paging/in-flight';
import { OffsetPager, PageRequest } from '../paging/offset-pager';
import { PageFetcher, PassHooks, readPass } from '../paging/page-loop';
import { asConnectorError, ConnectorError, errorMessageFor } from '../protocol/errors';
import { streamStatus } from '../protocol/messages';
import type { Output } from '../protocol/output';
import { Page, Row, selectPage } from '../records/selector';
import { UndeclaredFields, undeclaredFieldsWarning } from '../records/undeclared-fields';
import { ResumePoint, Resumption, stateBlob } from '../state/stream-state';
import { formatTimestamp, maxMicros, Micros } from '../state/timestamp';
import { PassPlanner } from '../windows/pass-planner';
import type { StreamPlan } from './configured-catalog';
import type { OutageGuard } from './outage-guard';
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
  /** Passes over bounded windows (streams with a cursor). */
  passes: number;
  /** Top-level fields the records carried that the configured catalog does not declare. */
  undeclaredFields: number;
  /** The last STATE blob emitted, as JSON. */
  checkpoint?: string;
  error?: ConnectorError;
}

/**
 * The generic engine: reads one stream of any definition.
 * plan + resume point → (probe) → bounded passes of pages → records → RECORD
 * and STATE messages. Statuses bracket the stream: STARTED, RUNNING, then
 * COMPLETE, or INCOMPLETE with an ERROR trace.
 *
 * Streams with a cursor are read in bounded windows (windows/pass-planner.ts),
 * so a read ends however fast the records change; the list without one is
 * read once, by id. Pages in flight adapt to how still the list holds
 * (paging/in-flight.ts).
 */
export async function readStream(ctx: ReadContext, plan: StreamPlan, resumption: Resumption): Promise<StreamResult> {
  const { def, syncMode } = plan;
  const { output, config, client } = ctx;
  const shape = { name: def.name, cursorField: def.cursor?.field };
  const out = new StreamOutput(output, def.name, (at) => stateBlob(shape, syncMode, at));
  const inFlight = new InFlightLimit(config.maxConcurrentRequests);
  const undeclared = new UndeclaredFields(plan.jsonSchema);
  const totals = { pages: 0, restarts: 0, passes: 0 };
  const point = resumption.point;
  // Records updated before start_date are never read, in either mode; a state moves the bound forward.
  const lower = def.cursor ? maxMicros(config.startDate, point.kind === 'cursor' ? point.cursor : undefined) : undefined;

  const get = (params: Record<string, string | number | undefined>, opts: RequestOptions) =>
    client.getJson(def.name, def.path, params, opts).then(({ body, label }) => selectPage(def, body, label));
  const fetchPage: PageFetcher = (req: PageRequest, signal) => {
    const params: Record<string, string | number | undefined> = { [def.paginator.offsetParam]: req.offset, [def.paginator.limitParam]: req.limit };
    if (def.cursor && req.since !== undefined) params[def.cursor.sinceParam] = formatTimestamp(req.since);
    if (def.cursor && req.before !== undefined) params[def.cursor.beforeParam] = formatTimestamp(req.before);
    return get(params, { signal });
  };
  /** A page's new records and the checkpoint after them; a field the catalog does not declare is said once. */
  const emit = (rows: Row[], at: ResumePoint): Promise<void> => {
    const records = rows.map((r) => r.record);
    const fresh = undeclared.observeAll(records);
    if (fresh.length) output.log('WARN', undeclaredFieldsWarning(def.name, fresh));
    return out.page(records, at);
  };
  const restarted = (reason: string, restarts: number, startOver: boolean) => {
    totals.restarts++;
    if (startOver) output.log('WARN', `${def.name}: ${reason}; records already emitted will come again.`);
    else if (restarts === 1) {
      output.log(
        'INFO',
        `${def.name}: the list changed while paging (${reason}); resuming from the last record read. Later restarts are counted in the stream's summary.`,
      );
    } else output.log('DEBUG', `${def.name}: restart ${restarts} (${reason}).`);
  };

  /**
   * One request on the first page of the stream, before the read: after an
   * outage on a short budget (outage-guard.ts), and for the first stream with
   * a cursor, to learn the API's clock from its Date header.
   */
  const probe = async (): Promise<void> => {
    const suspicion = ctx.outage.suspicion;
    if (!suspicion && (!def.cursor || client.clock.synced)) return;
    const params: Record<string, string | number | undefined> = { [def.paginator.offsetParam]: 0, [def.paginator.limitParam]: 1 };
    if (def.cursor && lower !== undefined) params[def.cursor.sinceParam] = formatTimestamp(lower);
    try {
      const page = await get(params, suspicion ? ctx.outage.probe : {});
      out.answered(page.total);
    } catch (err) {
      const e = asConnectorError(err);
      if (suspicion && e.exhausted) throw ctx.outage.probeFailed(def.name, e);
      throw e;
    } finally {
      totals.pages++;
    }
    ctx.outage.cleared();
  };

  /** Bounded passes over [lower, now), [now, later), … until they stop shrinking (see PassPlanner). */
  const readWindows = async (cursor: NonNullable<typeof def.cursor>): Promise<ResumePoint> => {
    const planner = new PassPlanner(lower, def.paginator.limit, () => client.clock.latestAt(startedAt));
    const at = (c: Micros | undefined): ResumePoint => (c === undefined ? { kind: 'start' } : { kind: 'cursor', cursor: c });
    // The records emitted at the newest instant so far: a tail starts there (inclusive) and must not repeat them.
    let carry: { cursor: Micros; ids: readonly string[] } | undefined;
    // When and with what offset the last bound was taken: a later bound that moved by more than the time between
    // them holds records updated before the earlier one, from when the clock was looser (see PassPlanner.next).
    let lastBound = { local: client.clock.localTime(), offset: client.clock.offsetMsLowerBound };
    for (;;) {
      const wait = planner.notBefore;
      if (wait !== undefined) await sleep(client.clock.msUntil(wait));
      const local = client.clock.localTime();
      const offset = client.clock.offsetMsLowerBound;
      const jump = offset !== undefined && lastBound.offset !== undefined ? offset - lastBound.offset : 0;
      const swollen = jump > Math.max(10, (local - lastBound.local) / 2);
      lastBound = { local, offset };
      const w = planner.next(client.clock.now(), swollen);
      if (!w) break;
      const pager = new OffsetPager({ limit: def.paginator.limit, hasCursor: true, since: w.since, before: w.before, alreadyEmitted: carry });
      let emitted = 0;
      const pass = await readPass(pager, fetchPage, inFlight, {
        admit: (page: Page) => {
          out.answered(page.total);
          return planner.admit(page.total ?? page.rows.length);
        },
        rows: (rows: Row[]) => {
          // A record updated just now proves the API's clock has got there: it tightens "now" far below Date's second.
          client.clock.observeInstant(rows.at(-1)?.cursor);
          emitted += rows.length;
          return emit(rows, at(maxMicros(pager.position?.cursor, w.since)));
        },
        restarted,
      } satisfies PassHooks);
      totals.pages += pass.pages;
      if (!pass.admitted) continue;
      totals.passes++;
      carry = pager.lastInstant ?? carry;
      planner.complete(pager.position?.cursor, emitted);
      out.checkpoint(at(planner.checkpoint));
    }
    if (planner.unread !== undefined) {
      output.log(
        'WARN',
        `${def.name}: ${planner.unread} record(s) changed faster than they could be read: the passes over the records ` +
          `updated during the read (${planner.passSizes.join(', ')} records, the first bounded by ${cursor.beforeParam}) stopped shrinking. ` +
          `The stream is complete up to ${formatTimestamp(planner.checkpoint!)}; the next sync picks them up.`,
      );
    }
    return at(planner.checkpoint);
  };

  /** The list without a cursor: one pass by id, resumable from a position. */
  const readList = async (): Promise<ResumePoint> => {
    const pager = new OffsetPager({
      limit: def.paginator.limit,
      hasCursor: false,
      resumeAfter: point.kind === 'position' ? { id: point.id, offset: point.offset } : undefined,
    });
    const at = (): ResumePoint =>
      pager.position ? { kind: 'position', id: pager.position.id, offset: pager.positionOffset ?? 0 } : { kind: 'start' };
    const pass = await readPass(pager, fetchPage, inFlight, {
      admit: (page: Page) => {
        out.answered(page.total);
        return true;
      },
      rows: (rows: Row[]) => emit(rows, at()),
      restarted,
    });
    totals.pages += pass.pages;
    totals.passes++;
    return at();
  };

  const startedAt = client.clock.localTime();
  out.started();
  if (resumption.note) output.log(resumption.note.level, resumption.note.message);
  let error: ConnectorError | undefined;
  try {
    await probe();
    const end = def.cursor ? await readWindows(def.cursor) : await readList();
    await out.finish(syncMode === 'full_refresh' ? 'complete' : end);
  } catch (err) {
    error = asConnectorError(err);
    output.emit(errorMessageFor(error, def.name));
    output.emit(streamStatus(def.name, 'INCOMPLETE'));
  }
  return { stream: def.name, records: out.records, ...totals, undeclaredFields: undeclared.count, checkpoint: out.lastState, error };
}
