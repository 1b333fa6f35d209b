import { promisify } from 'util';
import zlib from 'zlib';

/** What the transport asks for: the encodings `decodeBody` undoes. */
export const ACCEPT_ENCODING = 'gzip, deflate';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

/**
 * A whole response body as text, undoing its Content-Encoding (gzip, deflate
 * with or without the zlib wrapper, br). An unknown encoding is passed through
 * as it came, as fetch does. Rejects when a compressed body is corrupt.
 */
export async function decodeBody(raw: Buffer, contentEncoding: string | undefined): Promise<string> {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  if (raw.length === 0) return '';
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return (await gunzip(raw)).toString('utf8');
    case 'deflate':
      // RFC 9110 says zlib-wrapped; some servers send raw deflate. A zlib header's low nibble is 8.
      return ((raw[0] & 0x0f) === 0x08 ? await inflate(raw) : await inflateRaw(raw)).toString('utf8');
    case 'br':
      return (await brotli(raw)).toString('utf8');
    default:
      return raw.toString('utf8');
  }
}
