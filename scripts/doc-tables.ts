/**
 * The documentation's tables, rendered from the code so the two cannot drift
 * apart: the configuration table (from the spec) in README.md and in the
 * Airbyte docs page, and the streams and data-type tables (from the stream
 * definitions and their schemas) in the docs page. Each table sits between a
 * `<!-- name:start … -->` and a `<!-- name:end -->` marker.
 *   npm run gen:docs          rewrite every table in README.md and the docs page
 *   scripts/doc-tables.test.ts, acceptance-tests/metadata.test.ts   fail when one is stale
 */
import { readFileSync, writeFileSync } from 'fs';
import { resolve } from 'path';
import { connectionSpecification } from '../connector/config/spec';
import { toAirbyteStream } from '../connector/streams/catalog';
import { STREAMS } from '../connector/streams/definitions';

/** Where the docs page lives in Airbyte's tree: docs/integrations/sources/<last part of documentationUrl>.md. */
export const DOCS_PAGE = 'docs/integrations/sources/inventory-analytics.md';

export type TableName = 'config-table' | 'streams-table' | 'data-types-table';

const SOURCES: Record<TableName, string> = {
  'config-table': 'connector/config/spec.ts',
  'streams-table': 'connector/streams/definitions.ts',
  'data-types-table': 'the schemas of connector/streams/definitions.ts',
};

export const startMarker = (name: TableName) => `<!-- ${name}:start (generated from ${SOURCES[name]} by \`npm run gen:docs\`) -->`;
export const endMarker = (name: TableName) => `<!-- ${name}:end -->`;

/** The tables each file has. */
export const FILES: Record<string, TableName[]> = {
  'README.md': ['config-table'],
  [DOCS_PAGE]: ['config-table', 'streams-table', 'data-types-table'],
};

type Prop = {
  type: string;
  title?: string;
  description?: string;
  default?: unknown;
  airbyte_secret?: boolean;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  format?: string;
};

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function renderConfigTable(): string {
  const props = connectionSpecification.properties as unknown as Record<string, Prop>;
  const required = new Set<string>(connectionSpecification.required);
  const rows = Object.entries(props).map(([name, p]) => {
    const range =
      p.minimum !== undefined || p.exclusiveMinimum !== undefined || p.maximum !== undefined
        ? ` (${p.exclusiveMinimum !== undefined ? `> ${p.exclusiveMinimum}` : `≥ ${p.minimum}`}${p.maximum !== undefined ? `, ≤ ${p.maximum}` : ''})`
        : '';
    const type = `${p.type}${p.format ? `, ${p.format}` : ''}${p.airbyte_secret ? ', secret' : ''}`;
    const dflt = p.default === undefined ? (required.has(name) ? '**required**' : '—') : `\`${String(p.default)}\``;
    return `| \`${name}\` | ${type}${range} | ${dflt} | ${cell(p.description ?? '')} |`;
  });
  return ['| field | type | default | description |', '|---|---|---|---|', ...rows].join('\n');
}

const MODE_NAMES: Record<string, string> = { full_refresh: 'Full refresh', incremental: 'Incremental' };

export function renderStreamsTable(): string {
  const rows = STREAMS.map((def) => {
    const stream = toAirbyteStream(def);
    const fields = Object.keys((def.jsonSchema.properties as Record<string, unknown> | undefined) ?? {}).length;
    const key = def.primaryKey.map((path) => `\`${path.join('.')}\``).join(', ');
    const cursor = def.cursor ? `\`${def.cursor.field}\`` : '—';
    const modes = stream.supported_sync_modes.map((m) => MODE_NAMES[m] ?? m).join(', ');
    return `| \`${def.name}\` | \`GET ${def.path}\` | ${key} | ${cursor} | ${modes} | ${fields} |`;
  });
  return ['| Stream | Endpoint | Primary key | Cursor | Sync modes | Declared fields |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

/** How each JSON Schema type of the checked-in schemas reaches a destination (Airbyte's type system). */
const AIRBYTE_TYPES: Record<string, string> = {
  string: 'String',
  'string, format date-time': 'Timestamp with time zone',
  'string, format date': 'Date',
  integer: 'Integer',
  number: 'Number',
  boolean: 'Boolean',
  object: 'Object (JSON)',
  array: 'Array',
};

/** Every (type, format) the stream schemas use, with the number of fields of each kind. */
export function schemaTypes(): Map<string, number> {
  const seen = new Map<string, number>();
  const walk = (schema: unknown): void => {
    if (!schema || typeof schema !== 'object') return;
    const s = schema as { type?: string | string[]; format?: string; properties?: Record<string, unknown>; items?: unknown };
    const types = (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []).filter((t) => t !== 'null');
    for (const t of types) {
      const kind = s.format && t === 'string' ? `${t}, format ${s.format}` : t;
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
    }
    for (const child of Object.values(s.properties ?? {})) walk(child);
    if (s.items) walk(s.items);
  };
  // Each stream's top level is an object holding its fields: only the fields count.
  for (const def of STREAMS) for (const field of Object.values((def.jsonSchema.properties as Record<string, unknown>) ?? {})) walk(field);
  return seen;
}

export function renderDataTypesTable(): string {
  const used = schemaTypes();
  const unknown = [...used.keys()].filter((k) => !(k in AIRBYTE_TYPES));
  if (unknown.length) throw new Error(`scripts/doc-tables.ts: no Airbyte type for ${unknown.join(', ')}: add it to AIRBYTE_TYPES`);
  const rows = Object.entries(AIRBYTE_TYPES)
    .filter(([kind]) => used.has(kind))
    .map(([kind, airbyte]) => `| ${kind.replace(/^(\w+)/, '`$1`').replace(/format (\S+)$/, 'format `$1`')} | ${airbyte} | ${used.get(kind)} |`);
  return ['| JSON Schema type in the stream schemas | Airbyte type | Occurrences |', '|---|---|---|', ...rows].join('\n');
}

const RENDER: Record<TableName, () => string> = {
  'config-table': renderConfigTable,
  'streams-table': renderStreamsTable,
  'data-types-table': renderDataTypesTable,
};

/** `text` with the table `name` between its markers replaced by a fresh rendering. */
export function withTable(text: string, name: TableName, file = 'the file'): string {
  const start = startMarker(name);
  const end = endMarker(name);
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${file} has no ${name} markers (${start} … ${end})`);
  return `${text.slice(0, a)}${start}\n${RENDER[name]()}\n${end}${text.slice(b + end.length)}`;
}

/** `text` of `file` (a key of FILES) with every one of its tables fresh. */
export function withTables(file: string, text: string): string {
  return FILES[file].reduce((t, name) => withTable(t, name, file), text);
}

if (require.main === module) {
  const root = resolve(__dirname, '../..');
  for (const file of Object.keys(FILES)) {
    const path = resolve(root, file);
    writeFileSync(path, withTables(file, readFileSync(path, 'utf8')));
  }
  process.stderr.write(`Tables regenerated in ${Object.keys(FILES).join(', ')}.\n`);
}
