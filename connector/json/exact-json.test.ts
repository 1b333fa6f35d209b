import { valueLeaves } from '../../acceptance-tests/helpers/raw-json';
import { Rng } from '../../acceptance-tests/simulator/random';
import { parseJson, stringifyJson } from './exact-json';
import { isRawNumber, RawNumber } from './numbers';

/** What must survive: every leaf by JSON pointer, numbers by exact decimal value (order of keys aside). */
const sameValues = (text: string) => new Map(valueLeaves(text));
const roundTrip = (text: string) => stringifyJson(parseJson(text));

const ISSUE = `{"id":"itm_1","ext_id":18446744073709551000,"nested":{"big":-9223372036854775100,"deeper":{"list":[9007199254740993,1e400,0.1]}},
  "unit_price":1234567.1234567890123450,"tiny":1E-400,"plain":2368.61,"text":"tab\\t quote\\" \\u00e9 \\ud834\\udd1e 𝄞 \\u2028","none":null,"yes":true,
  "ids":[{"n":12345678901234567890},{"n":1}],"empty":{},"nothing":[]}`;

describe('parseJson / stringifyJson', () => {
  test('the numbers of the issue keep their value, at any depth, in arrays; strings and nulls as they were', () => {
    const out = roundTrip(ISSUE);
    expect(sameValues(out)).toEqual(sameValues(ISSUE));
    expect(out).toContain('"ext_id":18446744073709551000');
    expect(out).toContain('"list":[9007199254740993,1e400,0.1]');
    expect(out).toContain('"unit_price":1234567.1234567890123450');
    expect(out).not.toContain('\n');
  });

  test('numbers a double holds are doubles; only the others are RawNumber', () => {
    const v = parseJson(ISSUE) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(v.plain).toBe(2368.61);
    expect(v.nested.deeper.list[2]).toBe(0.1);
    expect(v.ext_id).toEqual(new RawNumber('18446744073709551000'));
    expect(isRawNumber(v.nested.deeper.list[1])).toBe(true);
    expect(v.ids[1].n).toBe(1);
  });

  test('a page without such numbers is JSON.parse and JSON.stringify exactly', () => {
    const page = '{"total":3,"data":[{"id":"a","price":12.5,"at":"2024-01-01T00:00:00.123456Z","tags":["x"],"n":null}]}';
    expect(parseJson(page)).toEqual(JSON.parse(page));
    const record = (parseJson(page) as { data: unknown[] }).data[0];
    expect(stringifyJson(record)).toBe(JSON.stringify(record));
  });

  test('parsed values without RawNumbers are written natively, even from a page that has some', () => {
    const v = parseJson('{"a":{"b":[1,"x",null]},"big":123456789012345678}') as Record<string, unknown>;
    expect(stringifyJson(v.a)).toBe('{"b":[1,"x",null]}');
    expect(stringifyJson(v)).toBe('{"a":{"b":[1,"x",null]},"big":123456789012345678}');
  });

  test('as JSON.parse: the last of duplicate keys wins and "__proto__" is a plain key, on both paths', () => {
    for (const big of ['1', '123456789012345678901']) {
      const text = `{"k":1,"k":${big},"__proto__":{"x":${big}}}`;
      const v = parseJson(text) as Record<string, unknown>;
      expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
      expect(Object.keys(v)).toEqual(['k', '__proto__']);
      expect(stringifyJson(v)).toBe(`{"k":${big},"__proto__":{"x":${big}}}`);
    }
  });

  test('text that is not JSON throws a SyntaxError on both paths', () => {
    for (const bad of ['', '{"a":1', '{"a":01}', '{"a":1e400', '{"a":18446744073709551000,}', '<html>', '{"a":"\u0001"}']) {
      expect(() => parseJson(bad)).toThrow(SyntaxError);
    }
  });

  test('property: random documents with random numbers at random places round-trip by value (2,000 documents)', () => {
    const rng = new Rng(17);
    const lexeme = () => {
      const d = (n: number) => Array.from({ length: n }, (_, k) => (k === 0 ? rng.int(1, 9) : rng.int(0, 9))).join('');
      return (
        (rng.chance(0.3) ? '-' : '') +
        (rng.chance(0.2) ? '0' : d(rng.int(1, 30))) +
        (rng.chance(0.5) ? `.${'0'.repeat(rng.int(0, 3))}${d(rng.int(1, 30))}` : '') +
        (rng.chance(0.3) ? `${rng.pick(['e', 'E'])}${rng.pick(['', '+', '-'])}${rng.int(0, 999)}` : '')
      );
    };
    const strings = ['', 'é', '𝄞', '\\u0000\\n\\"', '2024-01-01T00:00:00Z', '123456789012345678901234567890', 'e400'];
    const value = (depth: number): string => {
      const r = rng.next();
      if (depth > 3 || r < 0.4) return lexeme();
      if (r < 0.55) return `"${rng.pick(strings)}"`;
      if (r < 0.6) return rng.pick(['null', 'true', 'false']);
      if (r < 0.8) return `[${Array.from({ length: rng.int(0, 4) }, () => value(depth + 1)).join(',')}]`;
      return `{${Array.from({ length: rng.int(0, 4) }, (_, k) => `"k${k}":${value(depth + 1)}`).join(',')}}`;
    };
    for (let k = 0; k < 2_000; k++) {
      const text = `{"data":[${value(0)},${value(0)}]}`;
      expect({ text, values: sameValues(roundTrip(text)) }).toEqual({ text, values: sameValues(text) });
    }
  });
});
