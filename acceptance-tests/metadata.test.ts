import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { spawnSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { resolve } from 'path';
import { parse } from 'yaml';
import { connectionSpecification, DEFAULTS, SPECIFICATION } from '../connector/config/spec';
import { STREAMS } from '../connector/streams/definitions';
import { DOCS_PAGE, withTables } from '../scripts/doc-tables';

/**
 * metadata.yaml, package.json, the Dockerfile and scripts/build-image.sh must
 * agree on the image's name, tag and entrypoint, and metadata.yaml must be valid
 * Airbyte connector metadata. No Docker needed: the built image itself is
 * checked by image.test.ts.
 */
const ROOT = resolve(__dirname, '..');
const read = (f: string) => readFileSync(resolve(ROOT, f), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;
const metadata = parse(read('metadata.yaml')) as Doc;
const pkg = JSON.parse(read('package.json')) as Doc;

const SEMVER = '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?$';
const UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
const object = { type: 'object' };
const strings = { type: 'array', items: { type: 'string' } };
const registry = { type: 'object', required: ['enabled'], properties: { enabled: { type: 'boolean' } } };
/** ConnectorTestSuiteOptions: which suite Airbyte's CI runs, and the secrets and connections it needs. */
const testSuite = {
  type: 'object',
  additionalProperties: false,
  required: ['suite'],
  properties: {
    suite: { enum: ['unitTests', 'integrationTests', 'acceptanceTests', 'liveTests', 'smokeTests'] },
    testSecrets: {
      type: 'array',
      items: { type: 'object', required: ['name', 'secretStore'], properties: { name: { type: 'string' }, fileName: { type: 'string' }, secretStore: object } },
    },
    testConnections: { type: 'array', items: { type: 'object' } },
    scenarios: { type: 'array' },
  },
};

/**
 * Airbyte's ConnectorMetadataDefinitionV0 (airbyte-ci/.../ConnectorMetadataDefinitionV0.yaml,
 * newer revision: additionalProperties false on `data` too), as summarised in
 * shared/reference/connector-metadata-and-image.md. Nested structures we do not
 * use are only type-checked.
 */
const METADATA_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['metadataSpecVersion', 'data'],
  properties: {
    metadataSpecVersion: { type: 'string', const: '1.0' },
    data: {
      type: 'object',
      additionalProperties: false,
      required: [
        'name',
        'definitionId',
        'connectorType',
        'dockerRepository',
        'dockerImageTag',
        'license',
        'documentationUrl',
        'githubIssueLabel',
        'connectorSubtype',
        'releaseStage',
      ],
      properties: {
        name: { type: 'string', minLength: 1 },
        definitionId: { type: 'string', pattern: UUID },
        connectorType: { enum: ['source', 'destination'] },
        connectorSubtype: { enum: ['api', 'database', 'datalake', 'file', 'custom', 'message_queue', 'unknown', 'vectorstore'] },
        dockerRepository: { type: 'string', pattern: '^[a-z0-9]+([._-][a-z0-9]+)*/[a-z0-9]+([._-][a-z0-9]+)*$' },
        dockerImageTag: { type: 'string', pattern: SEMVER },
        license: { type: 'string', minLength: 1 },
        documentationUrl: { type: 'string', format: 'uri' },
        githubIssueLabel: { type: 'string', minLength: 1 },
        releaseStage: { enum: ['alpha', 'beta', 'generally_available', 'custom'] },
        supportLevel: { enum: ['community', 'certified', 'archived'] },
        tags: { type: 'array', items: { type: 'string', pattern: '^[a-z-]+:.+$' } },
        icon: { type: 'string' },
        releaseDate: { type: 'string', format: 'date' },
        protocolVersion: { type: 'string', pattern: SEMVER },
        maxSecondsBetweenMessages: { type: 'integer', minimum: 1 },
        erdUrl: { type: 'string', format: 'uri' },
        externalDocumentationUrls: {
          type: 'array',
          items: { type: 'object', required: ['title', 'url'], properties: { title: { type: 'string' }, url: { type: 'string', format: 'uri' } } },
        },
        allowedHosts: { type: 'object', additionalProperties: false, properties: { hosts: strings } },
        suggestedStreams: { type: 'object', additionalProperties: false, properties: { streams: strings } },
        registryOverrides: { type: 'object', additionalProperties: false, properties: { oss: registry, cloud: registry } },
        ab_internal: object,
        releases: object,
        resourceRequirements: object,
        connectorBuildOptions: object,
        connectorTestSuitesOptions: { type: 'array', items: testSuite },
        remoteRegistries: object,
        supportsRefreshes: { type: 'boolean' },
        supportsFileTransfer: { type: 'boolean' },
        supportsDataActivation: { type: 'boolean' },
        connectorIPCOptions: object,
        generated: object,
        supportsDbt: { type: 'boolean' },
        supportsNormalization: { type: 'boolean' },
        normalizationConfig: object,
      },
    },
  },
};

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
const validateMetadata = ajv.compile(METADATA_SCHEMA);

describe('metadata.yaml', () => {
  it('is valid against the connector metadata schema', () => {
    const ok = validateMetadata(metadata);
    expect(ajv.errorsText(validateMetadata.errors)).toBe('No errors');
    expect(ok).toBe(true);
  });

  // The schema must actually reject what Airbyte's would, or the test above proves nothing.
  const clone = (): Doc => JSON.parse(JSON.stringify(metadata));
  it.each<[string, (m: Doc) => void]>([
    ['an unknown top-level key', (m) => (m.extra = 1)],
    ['an unknown key under data', (m) => (m.data.interleavedStreams = true)],
    ['the old `registries` key', (m) => (m.data.registries = { oss: { enabled: true } })],
    ['a definitionId that is not a UUID', (m) => (m.data.definitionId = 'source-inventory-analytics')],
    ['a non-semver dockerImageTag', (m) => (m.data.dockerImageTag = 'latest')],
    ['an unknown connectorType', (m) => (m.data.connectorType = 'sink')],
    ['an unknown connectorSubtype', (m) => (m.data.connectorSubtype = 'rest')],
    ['an unknown releaseStage', (m) => (m.data.releaseStage = 'ga')],
    ['an unknown supportLevel', (m) => (m.data.supportLevel = 'official')],
    ['a missing license', (m) => delete m.data.license],
    ['a missing metadataSpecVersion', (m) => delete m.metadataSpecVersion],
    ['a documentationUrl that is not a URI', (m) => (m.data.documentationUrl = 'docs page')],
  ])('the schema rejects %s', (_what, mutate) => {
    const m = clone();
    mutate(m);
    expect(validateMetadata(m)).toBe(false);
  });

  it('dockerImageTag is the package.json version', () => {
    expect(metadata.data.dockerImageTag).toBe(pkg.version);
  });

  it('dockerRepository and githubIssueLabel name the package', () => {
    expect(metadata.data.dockerRepository).toBe(`airbyte/${pkg.name}`);
    expect(metadata.data.githubIssueLabel).toBe(pkg.name);
  });

  it('license is the package license', () => {
    expect(metadata.data.license).toBe(pkg.license);
  });

  it("documentationUrl is the spec's documentationUrl", () => {
    expect(metadata.data.documentationUrl).toBe(SPECIFICATION.documentationUrl);
  });

  it("allowedHosts lists the default base_url's host, and ${base_url} for any other (the platform puts that URL's host there)", () => {
    expect(metadata.data.allowedHosts.hosts).toContain(new URL(DEFAULTS.base_url).hostname);
    expect(metadata.data.allowedHosts.hosts).toContain('${base_url}');
    // Every ${…} entry names a field of the spec.
    for (const host of metadata.data.allowedHosts.hosts as string[]) {
      const ref = /^\$\{([\w.]+)\}$/.exec(host);
      if (ref) expect(Object.keys(connectionSpecification.properties)).toContain(ref[1]);
    }
  });

  it('registryOverrides lists the connector in both registries: oss and cloud', () => {
    expect(metadata.data.registryOverrides).toEqual({ oss: { enabled: true }, cloud: { enabled: true } });
    const withoutEnabled = clone();
    withoutEnabled.data.registryOverrides = { oss: {}, cloud: { enabled: true } };
    expect(validateMetadata(withoutEnabled)).toBe(false); // `enabled` is required
  });

  it('connectorTestSuitesOptions declares the unit tests and the acceptance tests, which need no secrets', () => {
    const suites = (metadata.data.connectorTestSuitesOptions as Doc[]).map((s) => s.suite);
    expect(suites).toEqual(expect.arrayContaining(['unitTests', 'acceptanceTests']));
    expect(new Set(suites).size).toBe(suites.length);
    for (const s of metadata.data.connectorTestSuitesOptions as Doc[]) expect(s.testSecrets).toBeUndefined();
    const unknownSuite = clone();
    unknownSuite.data.connectorTestSuitesOptions = [{ suite: 'acceptance' }];
    expect(validateMetadata(unknownSuite)).toBe(false); // the schema knows the suite names
  });

  it('icon is icon.svg beside metadata.yaml, an SVG whose viewBox is square', () => {
    expect(metadata.data.icon).toBe('icon.svg');
    const svg = read(metadata.data.icon);
    const root = /^\s*(?:<\?xml[^>]*>\s*)?<svg\b([^>]*)>/.exec(svg);
    expect(root).not.toBeNull();
    expect(root![1]).toMatch(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const viewBox = /\bviewBox="([^"]+)"/.exec(root![1]);
    expect(viewBox).not.toBeNull();
    const [, , width, height] = viewBox![1].trim().split(/[\s,]+/).map(Number);
    expect(width).toBeGreaterThan(0);
    expect(width).toBe(height);
    expect(svg.trimEnd()).toMatch(/<\/svg>$/);
  });

  it('suggestedStreams are streams the connector has', () => {
    const names = STREAMS.map((s) => s.name);
    expect(metadata.data.suggestedStreams.streams.length).toBeGreaterThan(0);
    for (const s of metadata.data.suggestedStreams.streams) expect(names).toContain(s);
  });
});

/** The Dockerfile as instructions (continuations joined, comments dropped), split into stages. */
function dockerfileStages(text: string): { instr: string; args: string }[][] {
  const logical: string[] = [];
  let cur = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw)) continue;
    const line = raw.replace(/\s+$/, '');
    if (line.endsWith('\\')) {
      cur += line.slice(0, -1) + ' ';
      continue;
    }
    cur += line;
    if (cur.trim()) logical.push(cur.trim());
    cur = '';
  }
  const stages: { instr: string; args: string }[][] = [[]];
  for (const l of logical) {
    const [, instr, args] = /^(\S+)\s*(.*)$/.exec(l)!;
    if (instr.toUpperCase() === 'FROM') stages.push([]);
    stages[stages.length - 1].push({ instr: instr.toUpperCase(), args });
  }
  return stages; // stages[0]: global ARGs before the first FROM
}

/** KEY=value pairs of an ENV/ARG/LABEL line; values may be double-quoted. */
function pairs(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of args.matchAll(/([\w.-]+)=("((?:[^"\\]|\\.)*)"|\S*)/g)) out[m[1]] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2];
  return out;
}

describe('Dockerfile', () => {
  const stages = dockerfileStages(read('Dockerfile'));
  const final = stages[stages.length - 1];
  const all = (instr: string, stage = final) => stage.filter((i) => i.instr === instr);
  const last = (instr: string) => {
    const found = all(instr);
    expect(found.length).toBeGreaterThan(0);
    return found[found.length - 1].args;
  };
  const env = () => Object.assign({}, ...all('ENV').map((i) => pairs(i.args))) as Record<string, string>;
  const args = () => Object.assign({}, ...all('ARG').map((i) => pairs(i.args))) as Record<string, string>;

  it('is multi-stage and builds on ARG BASE_IMAGE, node:26-bookworm-slim by default', () => {
    expect(pairs(stages[0].filter((i) => i.instr === 'ARG').map((i) => i.args).join(' ')).BASE_IMAGE).toBe('node:26-bookworm-slim');
    const froms = stages.slice(1).map((s) => s[0].args);
    expect(froms.length).toBeGreaterThan(1);
    expect(froms.filter((f) => f.startsWith('${BASE_IMAGE}')).length).toBeGreaterThan(0);
    expect(froms.every((f) => f.startsWith('${BASE_IMAGE}') || f === 'scratch')).toBe(true);
  });

  it('ENTRYPOINT is an exec-form JSON array running the compiled CLI', () => {
    const entrypoint = JSON.parse(last('ENTRYPOINT')) as string[];
    expect(Array.isArray(entrypoint)).toBe(true);
    expect(entrypoint[0]).toBe('node');
    expect(entrypoint[entrypoint.length - 1]).toMatch(/\/dist\/connector\/cli\.js$/);
  });

  it("ENTRYPOINT runs node with the same flags as the CLI's shebang (one memory policy, however it is launched)", () => {
    const entrypoint = JSON.parse(last('ENTRYPOINT')) as string[];
    const shebang = readFileSync(resolve(__dirname, '../connector/cli.ts'), 'utf8').split('\n')[0];
    const m = /^#!\/usr\/bin\/env -S node(.*)$/.exec(shebang);
    expect(m).not.toBeNull();
    expect(entrypoint.slice(1, -1)).toEqual(m![1].trim().split(/\s+/).filter(Boolean));
  });

  it('AIRBYTE_ENTRYPOINT is the ENTRYPOINT joined by spaces', () => {
    const entrypoint = JSON.parse(last('ENTRYPOINT')) as string[];
    expect(env().AIRBYTE_ENTRYPOINT).toBe(entrypoint.join(' '));
  });

  it('label defaults equal metadata.yaml, so even a plain `docker build .` is labelled right', () => {
    const labels = Object.assign({}, ...all('LABEL').map((i) => pairs(i.args))) as Record<string, string>;
    expect(labels['io.airbyte.name']).toBe('${AIRBYTE_NAME}');
    expect(labels['io.airbyte.version']).toBe('${AIRBYTE_VERSION}');
    expect(args().AIRBYTE_NAME).toBe(metadata.data.dockerRepository);
    expect(args().AIRBYTE_VERSION).toBe(metadata.data.dockerImageTag);
  });

  it('runs as a non-root user, in UTC, from /airbyte/integration_code', () => {
    expect(last('USER')).not.toMatch(/^(root|0)(:|$)/);
    expect(env().TZ).toBe('UTC');
    expect(last('WORKDIR')).toBe('/airbyte/integration_code');
  });
});

describe('scripts/build-image.sh', () => {
  it('names, tags and labels the image from metadata.yaml', () => {
    const r = spawnSync('bash', [resolve(ROOT, 'scripts/build-image.sh'), '--print'], { encoding: 'utf8', env: { ...process.env, BASE_IMAGE: 'example/base:1' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const argv = r.stdout.trimEnd().split('\n');
    const after = (flag: string) => argv.flatMap((a, i) => (argv[i - 1] === flag ? [a] : []));
    const { dockerRepository: repo, dockerImageTag: tag } = metadata.data;
    expect(argv.slice(0, 4)).toEqual(['docker', 'build', '--network', 'host']);
    expect(after('-t')).toEqual([`${repo}:${tag}`]);
    expect(after('--label')).toEqual(expect.arrayContaining([`io.airbyte.name=${repo}`, `io.airbyte.version=${tag}`]));
    expect(after('--build-arg')).toEqual(expect.arrayContaining([`AIRBYTE_NAME=${repo}`, `AIRBYTE_VERSION=${tag}`, 'BASE_IMAGE=example/base:1']));
  });
});

/** The major Node version of each place that names the image's Node line. */
describe("the image's Node line: one, named the same everywhere, and in engines", () => {
  const IMAGE_NODE = 26;
  /** The alternatives of an `engines.node` range written as `^A.B.C || ^X.Y.Z`: [major, minor, patch] floors. */
  const floors = (range: string): number[][] =>
    range.split('||').map((alt) => {
      const m = /^\s*\^(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(alt);
      if (!m) throw new Error(`engines.node alternative ${JSON.stringify(alt)} is not ^MAJOR.MINOR.PATCH`);
      return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
    });
  const satisfies = (version: string, range: string): boolean => {
    const v = version.replace(/^v/, '').split('.').map(Number);
    return floors(range).some(([major, minor, patch]) => v[0] === major && (v[1] > minor || (v[1] === minor && v[2] >= patch)));
  };

  it("the Dockerfile's default BASE_IMAGE, .ci/run's docker-up and build-image.sh's documented default agree", () => {
    const dockerfile = /^ARG BASE_IMAGE=node:(\d+)-/m.exec(read('Dockerfile'));
    expect(Number(dockerfile?.[1])).toBe(IMAGE_NODE);
    const ci = [...read('.ci/run').matchAll(/DOCKER_UP_NODE=(\d+)\s+bash\s+"\$SHARED\/tools\/docker-up"/g)].map((m) => Number(m[1]));
    expect(ci).toEqual([IMAGE_NODE]);
    expect(read('.ci/run')).not.toMatch(/BASE=\$\(bash "\$SHARED\/tools\/docker-up"\)/); // docker-up alone builds Node 20
    const script = read('scripts/build-image.sh');
    expect(script).toContain(`default: the Dockerfile's, node:${IMAGE_NODE}-bookworm-slim`);
    expect([...script.matchAll(/node:(\d+)-bookworm-slim/g)].map((m) => Number(m[1])).every((n) => n === IMAGE_NODE)).toBe(true);
  });

  it('engines.node admits the image\'s line and the Node running these tests (local development), and nothing untested', () => {
    const range = pkg.engines.node as string;
    expect(floors(range).map(([major]) => major).sort((a, b) => a - b)).toEqual([20, IMAGE_NODE]);
    expect(satisfies(process.version, range)).toBe(true);
    expect(satisfies(`${IMAGE_NODE}.0.0`, range)).toBe(true);
    for (const other of ['18.20.0', '22.12.0', '24.0.0', '27.0.0']) expect({ other, ok: satisfies(other, range) }).toEqual({ other, ok: false });
    const lock = JSON.parse(read('package-lock.json')) as Doc;
    expect(lock.packages[''].engines).toEqual(pkg.engines);
  });
});

/** A Markdown file's headings of level ≤ `depth`, outside code fences. */
function headings(markdown: string, depth: number): string[] {
  let fenced = false;
  const found: string[] = [];
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const m = /^(#{1,6})\s+(.*?)\s*$/.exec(line);
    if (!fenced && m && m[1].length <= depth) found.push(`${m[1]} ${m[2]}`);
  }
  return found;
}

/** The rows of the first Markdown table after `from` in `text`, as cells (header and separator included). */
function tableAfter(text: string, from: number): string[][] {
  const lines = text.slice(from).split('\n');
  const start = lines.findIndex((l) => l.trimStart().startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(start)) {
    if (!line.trimStart().startsWith('|')) break;
    rows.push(line.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((c) => c.trim()));
  }
  return rows;
}

describe(`the docs page (${DOCS_PAGE}), in Airbyte's template`, () => {
  const page = existsSync(resolve(ROOT, DOCS_PAGE)) ? read(DOCS_PAGE) : ''; // missing: every test below fails, none crashes the file

  it('lives where Airbyte keeps it (docs/integrations/sources/<the last part of documentationUrl>.md), with exactly the template headings, in order, the title being the connector name', () => {
    const name = new URL(metadata.data.documentationUrl).pathname.split('/').filter(Boolean).pop();
    expect(DOCS_PAGE).toBe(`docs/integrations/sources/${name}.md`);
    expect(headings(page, 2)).toEqual([
      `# ${metadata.data.name}`,
      '## Prerequisites',
      '## Setup guide',
      '## Supported sync modes',
      '## Supported Streams',
      '## Data type map',
      '## Limitations & Troubleshooting',
      '## Changelog',
    ]);
  });

  it('Prerequisites describes every required field of the spec', () => {
    const section = page.slice(page.indexOf('## Prerequisites'), page.indexOf('## Setup guide'));
    for (const field of connectionSpecification.required) {
      const title = (connectionSpecification.properties as Record<string, { title: string }>)[field].title;
      expect(section).toContain(`\`${field}\``);
      expect(section).toContain(title);
    }
  });

  it('its config, streams and data-type tables are the ones generated from the spec and the stream definitions (`npm run gen:docs`)', () => {
    expect(page).toBe(withTables(DOCS_PAGE, page));
  });

  it('the changelog opens a <details> block with the columns Version | Date | Pull Request | Subject and a row for the current version', () => {
    const changelog = page.slice(page.indexOf('## Changelog'));
    expect(changelog.split('\n').filter((l) => l.trim())[1].trim()).toBe('<details>');
    expect(changelog).toMatch(/<\/details>\s*$/);
    const rows = tableAfter(changelog, 0);
    expect(rows[0]).toEqual(['Version', 'Date', 'Pull Request', 'Subject']);
    expect(rows[1].every((c) => /^:?-+:?$/.test(c))).toBe(true);
    const current = rows.slice(2).filter((r) => r[0] === pkg.version);
    expect(current).toHaveLength(1);
    expect(current[0][1]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(rows[2][0]).toBe(pkg.version); // newest first
  });

  it("the current version's row has the same date in the README's changelog", () => {
    const docsRow = tableAfter(page, page.indexOf('## Changelog')).find((r) => r[0] === pkg.version);
    const readme = read('README.md');
    const readmeRow = tableAfter(readme, readme.indexOf('## Changelog')).find((r) => r[0] === pkg.version);
    expect(readmeRow?.[1]).toBe(docsRow?.[1]);
  });
});
