/** The command: transpiles the simulator to a temp dir and runs it as a real process. */
import { ChildProcessWithoutNullStreams, spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import ts from 'typescript';
import { Simulator } from './index';
import { agent, get, getPage } from './test-helpers';

let outDir: string;

beforeAll(() => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'simulator-cli-'));
  for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const { outputText } = ts.transpileModule(fs.readFileSync(path.join(__dirname, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    fs.writeFileSync(path.join(outDir, file.replace(/\.ts$/, '.js')), outputText);
  }
});
afterAll(() => {
  fs.rmSync(outDir, { recursive: true, force: true });
  agent.destroy();
});

interface Running {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout: () => string;
  stderr: () => string;
}

function run(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [path.join(outDir, 'cli.js'), ...args], {
    env: { ...process.env, NODE_PATH: path.resolve(__dirname, '../../node_modules') },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (stdout.includes('\n')) resolve({ child, url: JSON.parse(stdout.split('\n')[0]).url, stdout: () => stdout, stderr: () => stderr });
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before printing its url: ${stderr}`)));
  });
}

function exitCode(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

const asSim = (url: string) => ({ url }) as Simulator;

it('prints one JSON line with its url, serves, and exits 0 on SIGTERM', async () => {
  const sim = await run(['--count', '30', '--api-key', 'cli-key-1', '--api-key', 'cli-key-2', '--forbidden', 'orders', '--extra-fields']);
  expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const page = await getPage(asSim(sim.url), 'items', {}).catch(() => null);
  expect(page).toBeNull(); // the default key is not valid here
  const res = await get(asSim(sim.url), 'items', {}, 'cli-key-2');
  const body = await res.json();
  expect(body.total).toBe(30);
  expect(body.data[0]).toHaveProperty('loyalty_tier');
  expect((await get(asSim(sim.url), 'orders', {}, 'cli-key-1')).status).toBe(403);
  agent.destroy();
  const exited = exitCode(sim.child);
  sim.child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(sim.stdout().trim().split('\n')).toHaveLength(1);
  expect(sim.stderr()).not.toContain('cli-key');
});

it('takes --forbidden-for KEY=resources (per-key access) and sends every extra field with --extra-fields', async () => {
  const sim = await run(['--count', '5', '--api-key', 'cli-key-a', '--api-key', 'cli-key-b', '--forbidden-for', 'cli-key-b=orders,items', '--extra-fields']);
  const s = asSim(sim.url);
  expect((await get(s, 'orders', {}, 'cli-key-a')).status).toBe(200);
  expect((await get(s, 'orders', {}, 'cli-key-b')).status).toBe(403);
  expect((await get(s, 'items', {}, 'cli-key-b')).status).toBe(403);
  const body = await (await get(s, 'customers', {}, 'cli-key-b')).json();
  expect(Object.keys(body.data[0])).toEqual(expect.arrayContaining(['loyalty_tier', 'warehouse_zone', 'risk_score', 'last_audited_at']));
  agent.destroy();
  const exited = exitCode(sim.child);
  sim.child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(sim.stderr()).not.toContain('cli-key');
});

it('takes --counts, --seed, --rate-limit and --latency-ms, and stops on SIGINT', async () => {
  const sim = await run(['--counts', '{"customers":7}', '--seed', '3', '--rate-limit', '1/2', '--latency-ms', '5']);
  const s = asSim(sim.url);
  expect((await getPage(s, 'customers')).total).toBe(7);
  expect((await getPage(s, 'customers')).total).toBe(7);
  const limited = await get(s, 'customers');
  expect(limited.status).toBe(429);
  expect(limited.headers.get('x-ratelimit-limit')).toBe('2');
  agent.destroy();
  const exited = exitCode(sim.child);
  sim.child.kill('SIGINT');
  expect(await exited).toBe(0);
});

it('fails with a message on bad flags', async () => {
  await expect(run(['--rate-limit', 'fast'])).rejects.toThrow(/rate-limit/);
  await expect(run(['--forbidden-for', 'key-without-resources'])).rejects.toThrow(/forbidden-for/);
  await expect(run(['--forbidden-for', 'k=warehouses'])).rejects.toThrow(/forbidden-for/);
});
