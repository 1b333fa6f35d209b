import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { inferProperties, inferSchema, MAX_DEPTH } from './infer';

describe('inferSchema', () => {
  test('scalars: nullable string, boolean, integer', () => {
    expect(inferSchema(['gold', 'silver'])).toEqual({ type: ['null', 'string'] });
    expect(inferSchema([true, false])).toEqual({ type: ['null', 'boolean'] });
    expect(inferSchema([1, 2, -3])).toEqual({ type: ['null', 'integer'] });
  });

  test('number as soon as one sample has a fraction; integer only when every sample is whole', () => {
    expect(inferSchema([1, 2.5, 3])).toEqual({ type: ['null', 'number'] });
    expect(inferSchema([0.25])).toEqual({ type: ['null', 'number'] });
  });

  test('date-time only when every string is RFC 3339, with any fraction digits or offset', () => {
    expect(inferSchema(['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.5Z', '2024-05-01T10:00:00.123456+02:00'])).toEqual({
      type: ['null', 'string'],
      format: 'date-time',
    });
    expect(inferSchema(['2024-05-01T10:00:00Z', 'yesterday'])).toEqual({ type: ['null', 'string'] });
    expect(inferSchema(['2024-05-01'])).toEqual({ type: ['null', 'string'] }); // a date is not a date-time
    expect(inferSchema(['2024-02-30T10:00:00Z'])).toEqual({ type: ['null', 'string'] }); // no such day
    expect(inferSchema(['2024-05-01T10:00:00'])).toEqual({ type: ['null', 'string'] }); // no offset: not RFC 3339
  });

  test('always nullable: nulls and absent values do not change the type', () => {
    expect(inferSchema([null, 'a', undefined])).toEqual({ type: ['null', 'string'] });
    expect(inferSchema([null, 0.5, null])).toEqual({ type: ['null', 'number'] });
  });

  test('{} when the samples disagree or nothing but null was seen', () => {
    expect(inferSchema(['1', 1])).toEqual({});
    expect(inferSchema([true, 'true'])).toEqual({});
    expect(inferSchema([{ a: 1 }, [1]])).toEqual({});
    expect(inferSchema([null, null])).toEqual({});
    expect(inferSchema([])).toEqual({});
  });

  test('objects: properties inferred from every sampled object, each nullable', () => {
    expect(inferSchema([{ aisle: 3, bin: 'B-1' }, { aisle: 4, climate: true }, null])).toEqual({
      type: ['null', 'object'],
      properties: {
        aisle: { type: ['null', 'integer'] },
        bin: { type: ['null', 'string'] },
        climate: { type: ['null', 'boolean'] },
      },
    });
  });

  test('arrays: items inferred from the elements of every sampled array', () => {
    expect(inferSchema([['a', 'b'], [], ['c']])).toEqual({ type: ['null', 'array'], items: { type: ['null', 'string'] } });
    expect(inferSchema([[1, 2.5]])).toEqual({ type: ['null', 'array'], items: { type: ['null', 'number'] } });
    expect(inferSchema([[{ sku: 'x' }]])).toEqual({
      type: ['null', 'array'],
      items: { type: ['null', 'object'], properties: { sku: { type: ['null', 'string'] } } },
    });
    expect(inferSchema([[], []])).toEqual({ type: ['null', 'array'] }); // nothing to say about the items
    expect(inferSchema([[1, 'a']])).toEqual({ type: ['null', 'array'], items: {} });
  });

  test(`nesting is described ${MAX_DEPTH} levels deep, then typed without detail`, () => {
    const deep = { l1: { l2: { l3: { l4: 1 } } } };
    expect(inferSchema([deep])).toEqual({
      type: ['null', 'object'],
      properties: {
        l1: {
          type: ['null', 'object'],
          properties: { l2: { type: ['null', 'object'], properties: { l3: { type: ['null', 'object'] } } } },
        },
      },
    });
  });

  test('inferred schemas are valid Draft 7 and accept every sample they came from, and null', () => {
    const samples = [
      [{ a: 1, b: ['x'], c: { d: '2024-01-01T00:00:00Z' } }, { a: 2.5, b: [], c: null }],
      ['2024-01-01T00:00:00.1Z', null],
      [1, 'one'],
    ];
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);
    for (const values of samples) {
      const schema = inferSchema(values);
      expect(ajv.validateSchema(schema)).toBe(true);
      const validate = ajv.compile(schema);
      for (const v of [...values, null]) expect({ v, valid: validate(v) }).toEqual({ v, valid: true });
    }
  });
});

describe('inferProperties', () => {
  test('one property per key of any object, in first-seen order, "__proto__" kept as a plain key', () => {
    const objects = [JSON.parse('{"b": 1, "__proto__": "x"}'), { a: 'y' }];
    const props = inferProperties(objects);
    expect(Object.keys(props)).toEqual(['b', '__proto__', 'a']);
    expect(Object.getPrototypeOf(props)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(props)).__proto__).toEqual({ type: ['null', 'string'] });
  });
});
