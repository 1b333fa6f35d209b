/** Response bodies: JSON errors, gateway pages, and the deliberately defective 200 pages. */
import { FaultBody } from './types';
import { ApiRecord } from './types';

export interface Body {
  contentType: string | null;
  text: string;
}

export interface Page {
  total: number;
  offset: number;
  limit: number;
  data: ApiRecord[];
}

const JSON_TYPE = 'application/json; charset=utf-8';

const ERROR_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  429: 'rate_limited',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

const REASONS: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

/** JSON text of a value; a bigint (the `bigIds` option) is written as its exact digits. */
export function jsonBody(value: unknown): Body {
  try {
    return { contentType: JSON_TYPE, text: JSON.stringify(value) };
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    // JSON.stringify cannot write a bigint: write a marker string (the simulator's data has no U+0000), then the digits in its place.
    const marked = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `\u0000bigint:${v}` : v));
    return { contentType: JSON_TYPE, text: marked.replace(/"\\u0000bigint:(-?\d+)"/g, '$1') };
  }
}

export function errorBody(status: number, message: string): Body {
  return jsonBody({ error: { code: ERROR_CODES[status] ?? `http_${status}`, message } });
}

/** The body of an injected error response. */
export function faultErrorBody(status: number, kind: FaultBody): Body {
  const reason = REASONS[status] ?? `Error ${status}`;
  switch (kind) {
    case 'html':
      return {
        contentType: 'text/html; charset=utf-8',
        text: `<!DOCTYPE html>\n<html><head><title>${status} ${reason}</title></head><body><center><h1>${status} ${reason}</h1></center><hr><center>nginx</center></body></html>\n`,
      };
    case 'empty':
      return { contentType: null, text: '' };
    case 'not-json':
      return { contentType: 'text/plain; charset=utf-8', text: `upstream connect error or disconnect/reset before headers. reset reason: ${reason}` };
    default:
      return errorBody(status, `injected failure: ${reason}`);
  }
}

/**
 * A 200 page with one defect. `fallback` supplies a record when the page is empty and the
 * defect needs one; `timeField` is the record's timestamp to corrupt.
 */
export function malformedPage(kind: FaultBody, page: Page, fallback: ApiRecord, timeField: string): Body {
  const { total, offset, limit } = page;
  const withRecord = (): ApiRecord[] => (page.data.length > 0 ? page.data.map((r) => ({ ...r })) : [{ ...fallback }]);
  switch (kind) {
    case 'not-json': {
      const full = JSON.stringify(page);
      // A strict prefix of a JSON object is never valid JSON.
      return { contentType: JSON_TYPE, text: full.slice(0, Math.max(1, Math.floor(full.length / 2))) };
    }
    case 'html':
      return { contentType: 'text/html; charset=utf-8', text: '<!DOCTYPE html><html><body><h1>Please sign in</h1></body></html>' };
    case 'empty':
      return { contentType: JSON_TYPE, text: '' };
    case 'no-data':
      return jsonBody({ total, offset, limit });
    case 'data-not-array':
      return jsonBody({ total, offset, limit, data: { records: page.data } });
    case 'record-without-id': {
      const data = withRecord();
      delete data[Math.floor(data.length / 2)].id;
      return jsonBody({ total, offset, limit, data });
    }
    case 'bad-updated_at': {
      const data = withRecord();
      data[Math.floor(data.length / 2)][timeField] = '2024-13-45 25:61:00';
      return jsonBody({ total, offset, limit, data });
    }
    case 'json':
      return jsonBody(page);
  }
}
