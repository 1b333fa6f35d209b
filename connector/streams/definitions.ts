import customers from '../../schemas/customers.json';
import inventory from '../../schemas/inventory.json';
import items from '../../schemas/items.json';
import orders from '../../schemas/orders.json';
import stockDetails from '../../schemas/stock_details.json';
import stockSummaries from '../../schemas/stock_summaries.json';

/**
 * The streams, declared as data. One generic engine (`reader.ts`) reads any
 * entry; a new resource of the same API is one more entry and one schema file.
 */
export interface StreamDefinition {
  name: string;
  /** Path under base_url. */
  path: string;
  /** Field of the response body that holds the records. */
  recordSelector: string;
  primaryKey: string[][];
  paginator: OffsetPaginatorSpec;
  /** Absent for streams that can only be read in full. */
  cursor?: CursorSpec;
  jsonSchema: Record<string, unknown>;
}

export interface OffsetPaginatorSpec {
  type: 'offset';
  offsetParam: string;
  limitParam: string;
  /** Page size; the API allows at most 100. */
  limit: number;
}

export interface CursorSpec {
  /** Record field holding the cursor (RFC 3339 date-time). */
  field: string;
  /** Query parameter for the inclusive lower bound. */
  sinceParam: string;
  /** Query parameter for the exclusive upper bound (bounded reads, see windows/). */
  beforeParam: string;
}

const offsetPaging: OffsetPaginatorSpec = { type: 'offset', offsetParam: 'offset', limitParam: 'limit', limit: 100 };
const updatedAt: CursorSpec = { field: 'updated_at', sinceParam: 'updated_since', beforeParam: 'updated_before' };

const stream = (name: string, jsonSchema: object, cursor?: CursorSpec): StreamDefinition => ({
  name,
  path: `/v1/${name}`,
  recordSelector: 'data',
  primaryKey: [['id']],
  paginator: offsetPaging,
  cursor,
  jsonSchema: jsonSchema as Record<string, unknown>,
});

export const STREAMS: readonly StreamDefinition[] = [
  stream('stock_summaries', stockSummaries),
  stream('customers', customers, updatedAt),
  stream('items', items, updatedAt),
  stream('stock_details', stockDetails, updatedAt),
  stream('inventory', inventory, updatedAt),
  stream('orders', orders, updatedAt),
];

export const streamByName = (name: string): StreamDefinition | undefined => STREAMS.find((s) => s.name === name);
