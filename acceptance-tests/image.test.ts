import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { resolve } from 'path';
import { parse } from 'yaml';
import { IMAGE } from './helpers/run-connector';
import { messageValidator } from './helpers/protocol-schema';

/**
 * The built image, as CAT's TestSpec image checks see it (test_image_labels,
 * test_image_environment_variables), plus what the platform relies on: a
 * non-root user and a working `spec` with no network. Runs only when
 * CONNECTOR_IMAGE names the image (`.ci/run` sets it after building);
 * otherwise every test here is reported as skipped, never as passed.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const metadata = parse(readFileSync(resolve(__dirname, '../metadata.yaml'), 'utf8')) as Record<string, any>;
const pkg = JSON.parse(readFileSync(resolve(__dirname, '../package.json'), 'utf8')) as { engines: { node: string } };
/** The image's Node line (the Dockerfile's default BASE_IMAGE, .ci/run's DOCKER_UP_NODE). */
const IMAGE_NODE_MAJOR = 26;

interface ImageConfig {
  User?: string;
  Env?: string[] | null;
  Entrypoint?: string[] | null;
  Labels?: Record<string, string> | null;
}

function docker(args: string[], timeout = 60_000) {
  const r = spawnSync('docker', args, { encoding: 'utf8', timeout, maxBuffer: 16 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

(IMAGE ? describe : describe.skip)(IMAGE ? `connector image ${IMAGE}` : 'connector image (skipped: CONNECTOR_IMAGE not set)', () => {
  let config: ImageConfig;
  beforeAll(() => {
    const r = docker(['image', 'inspect', '--format', '{{json .Config}}', IMAGE!]);
    if (r.status !== 0) throw new Error(`docker image inspect ${IMAGE} failed: ${r.stderr}`);
    config = JSON.parse(r.stdout) as ImageConfig;
  });
  const env = () => Object.fromEntries((config.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));

  it('label io.airbyte.name is metadata.yaml data.dockerRepository', () => {
    expect(config.Labels?.['io.airbyte.name']).toBe(metadata.data.dockerRepository);
  });

  it('label io.airbyte.version is metadata.yaml data.dockerImageTag', () => {
    expect(config.Labels?.['io.airbyte.version']).toBe(metadata.data.dockerImageTag);
  });

  it('env AIRBYTE_ENTRYPOINT is the ENTRYPOINT joined by spaces', () => {
    expect(config.Entrypoint?.length).toBeGreaterThan(0);
    expect(env().AIRBYTE_ENTRYPOINT).toBe(config.Entrypoint!.join(' '));
  });

  it('runs as a non-root user', () => {
    expect(config.User ?? '').not.toMatch(/^(|root|0)(:.*)?$/);
    const id = docker(['run', '--rm', '--network', 'none', '--entrypoint', 'id', IMAGE!, '-u']);
    expect(id.stderr).toBe('');
    expect(id.stdout.trim()).not.toBe('0');
  });

  it(`runs Node ${IMAGE_NODE_MAJOR} (the Active LTS line), a version package.json engines admits, with no warning from the runtime`, () => {
    const r = docker(['run', '--rm', '--network', 'none', '--entrypoint', 'node', IMAGE!, '--version']);
    expect(r.status).toBe(0);
    const [major, minor, patch] = r.stdout.trim().replace(/^v/, '').split('.').map(Number);
    expect(major).toBe(IMAGE_NODE_MAJOR);
    const admitted = pkg.engines.node.split('||').some((alt) => {
      const [m, n = 0, p = 0] = alt.trim().replace(/^\^/, '').split('.').map(Number);
      return major === m && (minor > n || (minor === n && patch >= p));
    });
    expect({ version: r.stdout.trim(), engines: pkg.engines.node, admitted }).toEqual({ version: r.stdout.trim(), engines: pkg.engines.node, admitted: true });
    // The connector on it: its entrypoint's flags and its dependencies draw no deprecation or other warning.
    const spec = docker(['run', '--rm', '--network', 'none', IMAGE!, 'spec']);
    expect(spec.status).toBe(0);
    expect(spec.stderr).toBe('');
  });

  it('`spec` with no network prints exactly one SPEC message and exits 0', () => {
    const r = docker(['run', '--rm', '--network', 'none', IMAGE!, 'spec']);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    const msg = JSON.parse(lines[0]);
    expect(msg.type).toBe('SPEC');
    expect(msg.spec.documentationUrl).toBe(metadata.data.documentationUrl);
    expect(msg.spec.connectionSpecification).toEqual(expect.objectContaining({ type: 'object' }));
    const validate = messageValidator();
    if (validate) expect(validate(msg)).toBe(true);
  });
});
