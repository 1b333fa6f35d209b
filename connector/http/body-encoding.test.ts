import zlib from 'zlib';
import { decodeBody } from './body-encoding';

const text = JSON.stringify({ total: 1, offset: 0, limit: 100, data: [{ id: 'itm_00000001', name: 'Grüße' }] });

describe('decodeBody', () => {
  test.each([
    ['gzip', zlib.gzipSync(text)],
    ['x-gzip', zlib.gzipSync(text)],
    ['GZIP', zlib.gzipSync(text)],
    ['deflate', zlib.deflateSync(text)],
    ['deflate', zlib.deflateRawSync(text)],
    ['br', zlib.brotliCompressSync(text)],
    [undefined, Buffer.from(text)],
    ['identity', Buffer.from(text)],
    ['something-new', Buffer.from(text)],
  ] as const)('%s', async (encoding, raw) => {
    await expect(decodeBody(raw, encoding)).resolves.toBe(text);
  });

  test('an empty body is empty whatever its encoding says', async () => {
    await expect(decodeBody(Buffer.alloc(0), 'gzip')).resolves.toBe('');
  });

  test('a corrupt compressed body rejects', async () => {
    await expect(decodeBody(zlib.gzipSync(text).subarray(0, 20), 'gzip')).rejects.toThrow();
    await expect(decodeBody(Buffer.from('not brotli at all'), 'br')).rejects.toThrow();
  });
});
