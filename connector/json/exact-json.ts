import { parse as parseLossless } from 'lossless-json';
import { isExactAsDouble, mayHoldInexactNumber, RawNumber } from './numbers';

/**
 * JSON in and out with every number keeping the value the API wrote.
 *
 * `parseJson` is JSON.parse when the pre-check finds nothing a double could
 * change (nearly every page: the native parser, today's speed). Otherwise the
 * page goes through lossless-json's parser, which hands each number's lexeme
 * to us: a lexeme a double holds exactly becomes a number, any other a
 * RawNumber. lossless-json is used on every runtime. Node 20, where the
 * local tests run, has no source text access in JSON.parse (reviver
 * `context.source`, JSON.rawJSON: Node 21+); where it has, a reviver parses
 * such a page about twice as fast (`npm run bench:json` on Node 26: about
 * 1.2 ms against 2-3 ms per 100 items), but a second code path would be
 * tested on one runtime only. The cost falls only on pages that hold such
 * numbers, and at the API's 1,000 records/s it is a few per cent of a core.
 *
 * `stringifyJson` is JSON.stringify for everything without a RawNumber in it,
 * and writes each RawNumber's lexeme where there is one. Which objects and
 * arrays hold a RawNumber (at any depth) is noted when they are parsed, in a
 * WeakSet private to this module: the writer knows without walking records
 * that have none, nothing is added to the records themselves, and a record
 * parsed here is written exactly wherever it is written from.
 */
const holdsRawNumber = new WeakSet<object>();

/** JSON.parse, with numbers a double cannot hold kept as RawNumber. Throws SyntaxError on text that is not JSON. */
export function parseJson(text: string): unknown {
  if (!mayHoldInexactNumber(text)) return JSON.parse(text);
  let raw = 0;
  const value = parseLossless(text, null, {
    parseNumber: (lexeme: string) => {
      if (isExactAsDouble(lexeme)) return Number(lexeme);
      raw++;
      return new RawNumber(lexeme);
    },
    // As JSON.parse: the last of duplicate keys wins.
    onDuplicateKey: ({ newValue }: { newValue: unknown }) => newValue,
  });
  if (raw > 0) note(value);
  return value;
}

/** Records every object and array that holds a RawNumber somewhere inside; true if `value` does. */
function note(value: unknown): boolean {
  if (value instanceof RawNumber) return true;
  if (typeof value !== 'object' || value === null) return false;
  let holds = false;
  if (Array.isArray(value)) {
    for (const item of value) if (note(item)) holds = true;
  } else {
    for (const key of Object.keys(value)) if (note((value as Record<string, unknown>)[key])) holds = true;
  }
  if (holds) holdsRawNumber.add(value);
  return holds;
}

/** JSON.stringify of a parsed value, RawNumbers written as their lexeme. */
export function stringifyJson(value: unknown): string {
  if (value instanceof RawNumber) return value.lexeme;
  if (typeof value !== 'object' || value === null || !holdsRawNumber.has(value)) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + stringifyJson(value[i]);
    return `${out}]`;
  }
  let out = '{';
  let first = true;
  for (const key of Object.keys(value)) {
    out += `${first ? '' : ','}${JSON.stringify(key)}:${stringifyJson((value as Record<string, unknown>)[key])}`;
    first = false;
  }
  return `${out}}`;
}
