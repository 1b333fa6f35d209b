import { parseJson } from '../json/exact-json';
import { UndeclaredFields, undeclaredFieldsWarning } from './undeclared-fields';

const schema = { type: 'object', properties: { id: { type: 'string' }, address: { type: 'object', properties: { city: {} } } } };

describe('UndeclaredFields', () => {
  test('observe returns each undeclared top-level field once, the first time it is seen', () => {
    const u = new UndeclaredFields(schema);
    expect(u.observe({ id: '1' })).toEqual([]);
    expect(u.observe({ id: '2', tier: 'gold', zone: {} })).toEqual(['tier', 'zone']);
    expect(u.observe({ id: '3', tier: 'silver', zone: {} })).toEqual([]);
    expect(u.observe({ id: '4', tier: null, audited_at: 'x' })).toEqual(['audited_at']);
    expect(u.count).toBe(3);
    expect(u.names).toEqual(['tier', 'zone', 'audited_at']);
  });

  test('top-level only: a new key inside a declared object is not reported', () => {
    const u = new UndeclaredFields(schema);
    expect(u.observe({ id: '1', address: { city: 'x', new_nested: 1 } })).toEqual([]);
    expect(u.count).toBe(0);
  });

  test('numbers a double cannot hold (RawNumber values) are values like any other: only keys count', () => {
    const u = new UndeclaredFields(schema);
    const page = parseJson('[{"id":18446744073709551001,"address":{"city":1e400}},{"id":"2","ext_id":-9223372036854775100,"lexeme":1}]') as Record<string, unknown>[];
    expect(u.observeAll(page)).toEqual(['ext_id', 'lexeme']);
    expect(u.observeAll(page)).toEqual([]);
  });

  test('observeAll: every field first seen in a page, across its records', () => {
    const u = new UndeclaredFields(schema);
    expect(u.observeAll([{ id: '1', a: 1 }, { id: '2', a: 2, b: 3 }, { id: '3' }])).toEqual(['a', 'b']);
    expect(u.observeAll([{ id: '4', a: 1, b: 2 }])).toEqual([]);
  });

  test('a schema without properties declares nothing to compare with: nothing is reported', () => {
    for (const s of [{ type: 'object' }, {}, undefined, null, { properties: [] }]) {
      const u = new UndeclaredFields(s);
      expect(u.observe({ id: '1', anything: 1 })).toEqual([]);
      expect(u.count).toBe(0);
    }
  });

  test('only own keys count ("__proto__" from JSON is an own key; inherited ones are not)', () => {
    const u = new UndeclaredFields(schema);
    expect(u.observe(JSON.parse('{"id": "1", "__proto__": 1}'))).toEqual(['__proto__']);
    const inherited = Object.create({ inherited: 1 }) as Record<string, unknown>;
    inherited.id = '2';
    expect(u.observe(inherited)).toEqual([]);
  });

  test('does not change the schema or the records', () => {
    const s = JSON.parse(JSON.stringify(schema));
    const record = { id: '1', extra: { deep: [1] } };
    const copy = JSON.parse(JSON.stringify(record));
    new UndeclaredFields(s).observe(record);
    expect(s).toEqual(schema);
    expect(record).toEqual(copy);
  });
});

describe('undeclaredFieldsWarning', () => {
  test('names the stream and the fields and says a schema refresh adds them as columns', () => {
    const w = undeclaredFieldsWarning('items', ['tier', 'zone']);
    expect(w).toMatch(/^items: /);
    expect(w).toContain('2 fields');
    expect(w).toContain('tier, zone');
    expect(w).toMatch(/refresh.*columns/);
    expect(undeclaredFieldsWarning('items', ['tier'])).toMatch(/a field .*tier.*as a column/);
  });
});
