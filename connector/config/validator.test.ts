import { spawnSync } from 'child_process';
import Module from 'module';
import { existsSync } from 'fs';
import { join } from 'path';
import type { ValidateFunction } from 'ajv';
import { compileValidator, standaloneSource } from './compile-validator';

/** The standalone source loaded as a module of this folder, so its requires resolve as they do in dist/. */
function loadStandalone(): ValidateFunction {
  const filename = join(__dirname, 'compiled-validator.js');
  const m = new Module(filename, module);
  m.filename = filename;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(__dirname);
  (m as unknown as { _compile(src: string, file: string): void })._compile(standaloneSource(), filename);
  return m.exports as ValidateFunction;
}

const configs: unknown[] = [
  { api_key: 'k' },
  {},
  { api_key: '' },
  { api_key: 7 },
  { api_key: 'k', base_url: 'ftp://example.test' },
  { api_key: 'k', base_url: 'http://127.0.0.1:8080/v1' },
  { api_key: 'k', start_date: '2024-01-01T00:00:00Z' },
  { api_key: 'k', start_date: '2024-13-45T99:00:00Z' },
  { api_key: 'k', start_date: '2024-02-30T00:00:00Z' },
  { api_key: 'k', end_date: 'yesterday' },
  { api_key: 'k', requests_per_second: 0 },
  { api_key: 'k', requests_per_second: 'fast', burst: -1, max_concurrent_requests: 1.5 },
  { api_key: 'k', lookback_window_seconds: -5, max_retry_seconds: 30 },
  { api_key: 'k', unknown_setting: true },
];

describe('the config validator compiled at build time', () => {
  const standalone = loadStandalone();
  const compiled = compileValidator();

  it.each(configs.map((c) => [JSON.stringify(c), c]))('judges %s as the schema compiled at run time does', (_, config) => {
    const a = standalone(config);
    const b = compiled(config);
    expect(a).toBe(b);
    const strip = (errors: ValidateFunction['errors']) =>
      (errors ?? []).map(({ instancePath, keyword, params, message }) => ({ instancePath, keyword, params, message }));
    expect(strip(standalone.errors)).toEqual(strip(compiled.errors));
  });

  it('checks formats too (a date that does not exist)', () => {
    expect(standalone({ api_key: 'k', start_date: '2024-02-30T00:00:00Z' })).toBe(false);
    expect(standalone.errors?.map((e) => e.keyword)).toContain('format');
  });

  it("is what the built CLI uses: a read of dist/ never loads Ajv's compiler", () => {
    const dist = join(__dirname, '..', '..', 'dist', 'connector', 'config');
    expect(existsSync(join(dist, 'compiled-validator.js'))).toBe(true);
    const probe = `
      const { parseConfig } = require(${JSON.stringify(join(dist, 'config.js'))});
      let refused = false;
      try { parseConfig({ api_key: 'k', requests_per_second: 0 }); } catch { refused = true; }
      parseConfig({ api_key: 'k' });
      const compiler = Object.keys(require.cache).filter((f) => /[\\\\/]ajv[\\\\/]dist[\\\\/](ajv|core|compile[\\\\/]index)\\.js$/.test(f));
      console.log(JSON.stringify({ refused, compiler }));`;
    const run = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ refused: true, compiler: [] });
  });
});
