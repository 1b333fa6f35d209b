import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Writable } from 'stream';
import { Output } from '../protocol/output';
import { MASK, Redactor } from '../secrets/redactor';
import { loadConfig } from './load-config';

const sink = () => new Writable({ write: (_chunk, _enc, done) => done() });

describe('loadConfig and the secrets known before it', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'load-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("the proxy password the output started with is still redacted once the config's api_key is added", () => {
    const output = new Output(sink(), new Redactor(['proxy-pass-123']));
    const path = join(dir, 'config.json');
    writeFileSync(path, JSON.stringify({ api_key: 'api-key-456' }));
    loadConfig(path, output);
    expect(output.redact('proxy-pass-123 / api-key-456')).toBe(`${MASK} / ${MASK}`);
  });

  test('also when the config file does not parse (the key is read from its text first)', () => {
    const output = new Output(sink(), new Redactor(['proxy-pass-123']));
    const path = join(dir, 'config.json');
    writeFileSync(path, '{"api_key": "api-key-456",,}');
    expect(() => loadConfig(path, output)).toThrow(/not valid JSON/);
    expect(output.redact('proxy-pass-123 / api-key-456')).toBe(`${MASK} / ${MASK}`);
  });
});
