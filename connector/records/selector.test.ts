import { parseJson } from '../json/exact-json';
import { streamByName } from '../streams/definitions';
import { selectPage } from './selector';

const items = streamByName('items')!;
const summaries = streamByName('stock_summaries')!;

describe('selectPage', () => {
  test('records come from `data`, untouched, with id, cursor and total', () => {
    const record = { id: 'itm_1', updated_at: '2024-05-01T10:00:00.25Z', brand_new_field: { nested: [1] } };
    const page = selectPage(items, { total: 7, offset: 0, limit: 100, data: [record] }, 'GET /v1/items');
    expect(page.total).toBe(7);
    expect(page.rows[0].record).toBe(record);
    expect(page.rows[0].cursor).toBe(1714557600250000n);
  });

  test('streams without a cursor need no updated_at', () => {
    expect(selectPage(summaries, { total: 1, data: [{ id: 'ss_1' }] }, 'GET').rows[0].cursor).toBeUndefined();
  });

  test('numbers a double cannot hold: a numeric id is its exact lexeme; the record keeps them', () => {
    const body = parseJson(
      '{"total":2,"data":[{"id":18446744073709551001,"updated_at":"2024-05-01T10:00:00Z","ext":1e400},{"id":42,"updated_at":"2024-05-01T10:00:01Z"}]}',
    );
    const page = selectPage(items, body, 'GET /v1/items');
    expect(page.rows.map((r) => r.id)).toEqual(['18446744073709551001', '42']);
    expect(String(page.rows[0].record.ext)).toBe('1e400');
  });

  test('total is read exactly: 1e3 is 1000; absent or null says nothing', () => {
    const total = (t: string) => selectPage(summaries, parseJson(`{${t}"data":[]}`), 'GET').total;
    expect(total('"total":1e3,')).toBe(1000);
    expect(total('"total":9007199254740991,')).toBe(9007199254740991);
    expect(total('')).toBeUndefined();
    expect(total('"total":null,')).toBeUndefined();
  });

  test.each([
    ['beyond 2^53', '9007199254740993'],
    ['1e400', '1e400'],
    ['a fraction', '12.5'],
    ['negative', '-1'],
    ['a string', '"7"'],
  ])('a total that is not a safe count (%s) is a malformed response, never a rounded number', (_what, lexeme) => {
    expect(() => selectPage(items, parseJson(`{"total":${lexeme},"data":[]}`), 'GET /v1/items')).toThrow(
      new RegExp(`malformed response: "total" is ${lexeme.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, not a count`),
    );
  });

  test.each([
    ['not an object', [], /not a JSON object/],
    ['a number a double cannot hold', parseJson('123456789012345678901234567890'), /not a JSON object/],
    ['a record that is such a number', parseJson('{"data":[123456789012345678901234567890]}'), /record 0 is not an object/],
    ['no data', { total: 0 }, /no "data" field/],
    ['data not an array', { data: {} }, /"data" is not an array/],
    ['a record without id', { data: [{ updated_at: '2024-05-01T10:00:00Z' }] }, /record 0 has no "id"/],
    ['an unparseable updated_at', { data: [{ id: 'x', updated_at: '01/05/2024' }] }, /not an RFC 3339 timestamp/],
    ['a record that is not an object', { data: [3] }, /record 0 is not an object/],
  ])('%s is a system_error naming stream and request', (_what, body, pattern) => {
    try {
      selectPage(items, body, 'GET /v1/items?offset=0&limit=100');
      throw new Error('no error');
    } catch (e) {
      expect((e as Error).message).toMatch(pattern);
      expect((e as Error).message).toContain('Stream items');
      expect((e as Error).message).toContain('GET /v1/items?offset=0&limit=100');
      expect((e as { failureType?: string }).failureType).toBe('system_error');
    }
  });
});
