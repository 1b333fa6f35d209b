import type { Config } from '../config/config';
import type { ApiClient } from '../http/api-client';
import { OffsetPager, PageRequest } from '../paging/offset-pager';
import { asConnectorError, ConnectorError, errorMessageFor } from '../protocol/errors';
import { AirbyteMessage, estimate, streamState, streamStatus } from '../protocol/messages';
import type { Output } from '../protocol/output';
import { Page, selectPage } from '../records/selector';
import { UndeclaredFields, undeclaredFieldsWarning } from '../records/undeclared-fields';
import { formatTimestamp, maxMicros, Micros } from '../state/timestamp';
import type { StreamPlan } from './configured-catalog';

export interface ReadContext {
  config: Config;
  client: ApiClient;
  output: Output;
}

export interface StreamResult {
  stream: string;
  records: number;
  pages: number;
  restarts: number;
  /** The cursor of the last STATE emitted, if any. */
  checkpoint?: string;
  /** Top-level fields the records carried that the configured catalog does not declare. */
  undeclaredFields: number;
  error?: ConnectorError;
}

interface InFlight {
  req: PageRequest;
  abort: AbortController;
  page: Promise<Page>;
}

/**
 * The generic engine: reads one stream of any definition.
 * config → plan → pager requests → HTTP (several in flight) → pages back in
 * order → records → RECORD and STATE messages. Statuses bracket the stream:
 * STARTED, RUNNING, then COMPLETE, or INCOMPLETE with an ERROR trace.
 */
export async function readStream(ctx: ReadContext, plan: StreamPlan, stateCursor: Micros | undefined): Promise<StreamResult> {
  const { def, syncMode } = plan;
  const { output, config } = ctx;
  const incremental = syncMode === 'incremental' && def.cursor !== undefined;
  // Records updated before start_date are never read, in either mode; state moves the bound forward.
  const since = def.cursor ? maxMicros(config.startDate, incremental ? stateCursor : undefined) : undefined;
  const pager = new OffsetPager({ limit: def.paginator.limit, hasCursor: def.cursor !== undefined, since });
  const result: Omit<StreamResult, 'restarts' | 'undeclaredFields'> = { stream: def.name, records: 0, pages: 0 };
  const undeclared = new UndeclaredFields(plan.jsonSchema);
  const inFlight: InFlight[] = [];
  let running = false;
  let sinceLastState = 0;

  const fetchPage = (req: PageRequest): InFlight => {
    const abort = new AbortController();
    const params: Record<string, string | number | undefined> = {
      [def.paginator.offsetParam]: req.offset,
      [def.paginator.limitParam]: req.limit,
    };
    if (def.cursor && req.since !== undefined) params[def.cursor.sinceParam] = formatTimestamp(req.since);
    const page = ctx.client
      .getJson(def.name, def.path, params, abort.signal)
      .then(({ body, label }) => selectPage(def, body, label));
    page.catch(() => {}); // awaited in order below, or abandoned
    return { req, abort, page };
  };
  const abandon = () => {
    for (const f of inFlight.splice(0)) f.abort.abort();
  };
  /** A STATE for what has been emitted so far; none when it would repeat the last one. */
  let statesEmitted = 0;
  const checkpoint = (): AirbyteMessage[] => {
    if (!incremental) return [];
    const cursor = maxMicros(pager.position?.cursor, since);
    const text = cursor === undefined ? undefined : formatTimestamp(cursor);
    if (statesEmitted > 0 && sinceLastState === 0 && text === result.checkpoint) return [];
    result.checkpoint = text;
    const msg = streamState(def.name, text === undefined ? {} : { [def.cursor!.field]: text }, sinceLastState);
    sinceLastState = 0;
    statesEmitted++;
    return [msg];
  };

  output.emit(streamStatus(def.name, 'STARTED'));
  try {
    for (;;) {
      for (let r: PageRequest | undefined; inFlight.length < config.maxConcurrentRequests && (r = pager.next()); ) {
        inFlight.push(fetchPage(r));
      }
      const head = inFlight.shift();
      if (!head) break;
      const page = await head.page;
      result.pages++;
      if (!running) {
        running = true;
        output.emit(streamStatus(def.name, 'RUNNING'));
        if (page.total !== undefined) output.emit(estimate(def.name, page.total));
      }
      const verdict = pager.accept(head.req, page);
      if (verdict.kind === 'stale') continue;
      if (verdict.kind === 'restart') {
        abandon();
        output.log('INFO', `${def.name}: the list changed while paging (${verdict.reason}); resuming from the last record read.`);
        continue;
      }
      const records = verdict.rows.map((r) => r.record);
      const fresh = undeclared.observeAll(records);
      if (fresh.length) output.log('WARN', undeclaredFieldsWarning(def.name, fresh));
      result.records += records.length;
      sinceLastState += records.length;
      output.records(def.name, records, records.length ? checkpoint() : []);
      await output.drain();
      if (verdict.done) break;
    }
    abandon();
    // The final checkpoint, also when nothing was read: the next sync starts here.
    output.records(def.name, [], incremental ? checkpoint() : [streamState(def.name, {}, sinceLastState)]);
    output.emit(streamStatus(def.name, 'COMPLETE'));
  } catch (err) {
    abandon();
    result.error = asConnectorError(err);
    output.emit(errorMessageFor(result.error, def.name));
    output.emit(streamStatus(def.name, 'INCOMPLETE'));
  }
  return { ...result, restarts: pager.restarts, undeclaredFields: undeclared.count };
}
