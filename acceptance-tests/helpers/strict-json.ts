/**
 * JSON.parse turns `1.0` into 1, so a schema check on parsed values cannot tell a
 * float-looking number from an integer. CAT validates records with a strict integer
 * check (1.0 is not an integer). This scans the raw text of a JSON document and
 * returns the JSON pointers of every number whose lexeme has a fraction or an exponent,
 * so a validator can reject those where the schema says integer.
 */
export function nonIntegerLexemePaths(text: string): Set<string> {
  const found = new Set<string>();
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const fail = (what: string): never => {
    throw new Error(`strict-json: ${what} at ${i}`);
  };
  const esc = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
  const str = (): string => {
    if (text[i] !== '"') fail('expected string');
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        const key = str();
        ws();
        if (text[i] !== ':') fail('expected :');
        i++;
        value(`${path}/${esc(key)}`);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return;
        } else fail('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        value(`${path}/${n}`);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return;
        } else fail('expected , or ]');
      }
    }
    if (c === '"') {
      str();
      return;
    }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m) {
      if (m[1] !== undefined || m[2] !== undefined) found.add(path);
      i += m[0].length;
      return;
    }
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return;
      }
    }
    fail('unexpected token');
  };
  value('');
  ws();
  if (i !== text.length) fail('trailing text');
  return found;
}
