import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parseJson } from '../json/exact-json';
import { RawNumber } from '../json/numbers';
import { inferSchema } from './infer';

/** The values of field `f` in the records of a JSON array text, parsed as the connector parses a page. */
const valuesOf = (json: string, f = 'v'): unknown[] => (parseJson(json) as Record<string, unknown>[]).map((r) => r[f]);

describe('inferSchema', () => {
  test('scalars: nullable string, boolean, number', () => {
    expect(inferSchema(['gold', 'silver'])).toEqual({ type: ['null', 'string'] });
    expect(inferSchema([true, false])).toEqual({ type: ['null', 'boolean'] });
    expect(inferSchema([1, 2, -3])).toEqual({ type: ['null', 'number'] });
  });

  test('numbers are number whether or not a sample has a fraction: two samples of one field agree', () => {
    expect(inferSchema([1, 2, 3])).toEqual(inferSchema([1, 2.5, 3]));
    expect(inferSchema([0.25])).toEqual({ type: ['null', 'number'] });
    expect(inferSchema([9007199254740991, 0])).toEqual({ type: ['null', 'number'] }); // 2^53 - 1: still a double's integer
  });

  test('integer when every number is written as an integer and one is beyond ±2^53 (a 64-bit id a float column would corrupt)', () => {
    expect(inferSchema(valuesOf('[{"v": 18446744073709551000}, {"v": 7}, {"v": null}]'))).toEqual({ type: ['null', 'integer'] });
    expect(inferSchema(valuesOf('[{"v": -9223372036854775100}]'))).toEqual({ type: ['null', 'integer'] });
    expect(inferSchema(valuesOf('[{"v": 9007199254740993}]'))).toEqual({ type: ['null', 'integer'] });
    // a fraction, or an exponent, anywhere: number
    expect(inferSchema(valuesOf('[{"v": 18446744073709551000}, {"v": 0.5}]'))).toEqual({ type: ['null', 'number'] });
    expect(inferSchema(valuesOf('[{"v": 18446744073709551000}, {"v": 1e400}]'))).toEqual({ type: ['null', 'number'] });
    expect(inferSchema(valuesOf('[{"v": 1234567.1234567890123450}]'))).toEqual({ type: ['null', 'number'] });
    expect(inferSchema(valuesOf('[{"v": 1E-400}]'))).toEqual({ type: ['null', 'number'] });
    // 16 digits but below 2^53: a double holds it, nothing says it is an id
    expect(inferSchema(valuesOf('[{"v": 1000000000000000}]'))).toEqual({ type: ['null', 'number'] });
  });

  test('a RawNumber is a number, never an object', () => {
    expect(inferSchema([new RawNumber('123456789012345678901234567890')])).toEqual({ type: ['null', 'integer'] });
    expect(inferSchema([new RawNumber('1e999'), 2])).toEqual({ type: ['null', 'number'] });
    expect(inferSchema([new RawNumber('12345678901234567890'), { a: 1 }])).toEqual({}); // a number and an object disagree
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

  test('objects: object, without properties, whatever keys each sample shows', () => {
    const one = inferSchema([{ aisle: 3, bin: 'B-1' }, null]);
    expect(one).toEqual({ type: ['null', 'object'] });
    expect(inferSchema([{ aisle: 3, bin: 'B-1' }, { aisle: 4.5, bin: 'B-2', climate: true }])).toEqual(one);
    expect(inferSchema([{}])).toEqual(one);
  });

  test('arrays: array, without items, whatever the elements of each sample', () => {
    const one = inferSchema([['a', 'b'], []]);
    expect(one).toEqual({ type: ['null', 'array'] });
    expect(inferSchema([[1, 2.5]])).toEqual(one);
    expect(inferSchema([[{ sku: 'x' }], [1, 'a']])).toEqual(one);
  });

  test('inferred schemas are valid Draft 7 and accept every sample they came from, and null', () => {
    const samples = [
      [{ a: 1, b: ['x'], c: { d: '2024-01-01T00:00:00Z' } }, { a: 2.5, b: [], c: null }],
      ['2024-01-01T00:00:00.1Z', null],
      [1, 'one'],
      [[1], []],
      [3, 2.5],
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
