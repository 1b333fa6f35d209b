import type { ApiClient, QueryParams, RequestOptions } from '../http/api-client';
import type { PageFetcher } from '../paging/page-loop';
import { Page, selectPage } from '../records/selector';
import { formatTimestamp } from '../state/timestamp';
import type { StreamDefinition } from './definitions';

/** One GET of a stream's list, as a Page (records selected and checked by records/selector.ts). */
export function getPage(client: ApiClient, def: StreamDefinition, params: QueryParams, opts: RequestOptions = {}): Promise<Page> {
  return client.getJson(def.name, def.path, params, opts).then(({ body, label }) => selectPage(def, body, label));
}

/** The requester of a stream: a pager's request (offset, limit, bounds) as the stream's query parameters. */
export function pageFetcher(client: ApiClient, def: StreamDefinition): PageFetcher {
  const { offsetParam, limitParam } = def.paginator;
  return (req, signal) => {
    const params: QueryParams = { [offsetParam]: req.offset, [limitParam]: req.limit };
    if (def.cursor && req.since !== undefined) params[def.cursor.sinceParam] = formatTimestamp(req.since);
    if (def.cursor && req.before !== undefined) params[def.cursor.beforeParam] = formatTimestamp(req.before);
    return getPage(client, def, params, { signal });
  };
}
