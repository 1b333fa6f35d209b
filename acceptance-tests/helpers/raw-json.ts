/**
 * Reading JSON text without JavaScript numbers, for tests that compare what
 * the API sent with what the connector wrote: `leaves` flattens a document into
 * its leaves by JSON pointer, every number kept as its lexeme; `decimalKey`
 * turns a lexeme into a canonical form of its exact value (BigInt and string
 * arithmetic, never a double), so `1e400` and `1E+400`, `0.10` and `0.1`
 * compare equal and 18446744073709551000 and 18446744073709552000 do not.
 */

export type Leaf =
  | { path: string; kind: 'number'; lexeme: string }
  | { path: string; kind: 'string'; value: string }
  | { path: string; kind: 'boolean'; value: boolean }
  | { path: string; kind: 'null' }
  | { path: string; kind: 'object' | 'array'; size: number };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WS = /[ \t\n\r]*/y;

/** Every leaf of the JSON document `text` (and each object or array with its size), in document order. */
export function leaves(text: string): Leaf[] {
  const out: Leaf[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`raw-json: ${what} at ${i}: ${text.slice(Math.max(0, i - 20), i + 20)}`);
  };
  const ws = () => {
    WS.lastIndex = i;
    WS.exec(text);
    i = WS.lastIndex;
  };
  const esc = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
  const str = (): string => {
    if (text[i] !== '"') fail('expected a string');
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    // A JSON string token alone is a JSON document: JSON.parse reads its escapes (no numbers involved).
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const object = c === '{';
      const at = out.push({ path, kind: object ? 'object' : 'array', size: 0 }) - 1;
      i++;
      ws();
      let size = 0;
      if (text[i] !== (object ? '}' : ']')) {
        for (;;) {
          if (object) {
            ws();
            const key = str();
            ws();
            if (text[i++] !== ':') fail('expected :');
            value(`${path}/${esc(key)}`);
          } else value(`${path}/${size}`);
          size++;
          ws();
          if (text[i] === ',') i++;
          else break;
        }
      }
      if (text[i++] !== (object ? '}' : ']')) fail(`expected , or ${object ? '}' : ']'}`);
      (out[at] as { size: number }).size = size;
      return;
    }
    if (c === '"') {
      out.push({ path, kind: 'string', value: str() });
      return;
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m) {
      out.push({ path, kind: 'number', lexeme: m[0] });
      i = NUMBER.lastIndex;
      return;
    }
    for (const [lit, leaf] of [
      ['true', { path, kind: 'boolean', value: true }],
      ['false', { path, kind: 'boolean', value: false }],
      ['null', { path, kind: 'null' }],
    ] as const) {
      if (text.startsWith(lit, i)) {
        out.push(leaf);
        i += lit.length;
        return;
      }
    }
    fail('unexpected token');
  };
  value('');
  ws();
  if (i !== text.length) fail('trailing text');
  return out;
}

/** The exact value of a JSON number lexeme in one canonical spelling: `0`, or `[-]<digits without trailing zeros>e<exponent>`. */
export function decimalKey(lexeme: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(lexeme);
  if (!m) throw new Error(`not a JSON number: ${lexeme}`);
  const [, sign, whole, fraction = '', exponent = '0'] = m;
  const digits = (whole + fraction).replace(/^0+/, '');
  if (digits === '') return '0';
  const significant = digits.replace(/0+$/, '');
  const scale = BigInt(exponent) - BigInt(fraction.length) + BigInt(digits.length - significant.length);
  return `${sign}${significant}e${scale}`;
}

/** The leaves with numbers replaced by their exact value, strings and the rest as they are: what must match. */
export function valueLeaves(text: string): Array<[string, string]> {
  return leaves(text).map((l) => {
    switch (l.kind) {
      case 'number':
        return [l.path, `number ${decimalKey(l.lexeme)}`];
      case 'string':
        return [l.path, `string ${JSON.stringify(l.value)}`];
      case 'boolean':
        return [l.path, `boolean ${l.value}`];
      case 'null':
        return [l.path, 'null'];
      default:
        return [l.path, `${l.kind} of ${l.size}`];
    }
  });
}
