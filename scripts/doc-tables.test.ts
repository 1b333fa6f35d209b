import { readFileSync } from 'fs';
import { resolve } from 'path';
import { connectionSpecification } from '../connector/config/spec';
import { STREAMS } from '../connector/streams/definitions';
import { DOCS_PAGE, renderConfigTable, renderDataTypesTable, renderStreamsTable, schemaTypes, withTable, withTables } from './doc-tables';

const read = (file: string) => readFileSync(resolve(__dirname, '..', file), 'utf8');
const readme = read('README.md');

test('the README config table is the one generated from the spec (run `npm run gen:docs`)', () => {
  expect(readme).toBe(withTables('README.md', readme));
});

test('every spec field and its default appear in the config table', () => {
  const table = renderConfigTable();
  for (const [name, p] of Object.entries(connectionSpecification.properties)) {
    expect(table).toContain(`\`${name}\``);
    if ('default' in p) expect(table).toContain(`\`${String(p.default)}\``);
  }
});

test('every stream, its endpoint, key and cursor appear in the streams table', () => {
  const rows = renderStreamsTable().split('\n').slice(2);
  expect(rows).toHaveLength(STREAMS.length);
  STREAMS.forEach((def, i) => {
    expect(rows[i]).toContain(`| \`${def.name}\` | \`GET ${def.path}\` | \`id\` | ${def.cursor ? `\`${def.cursor.field}\`` : '—'} |`);
    expect(rows[i]).toContain(def.cursor ? 'Full refresh, Incremental' : '| Full refresh |');
  });
});

test('the data-type table has a row for every kind of field in the schemas, with its count', () => {
  const table = renderDataTypesTable();
  const used = schemaTypes();
  expect(table.split('\n').slice(2)).toHaveLength(used.size);
  expect(used.get('string, format date-time')).toBeGreaterThan(0);
  expect(table).toContain(`| \`string\`, format \`date-time\` | Timestamp with time zone | ${used.get('string, format date-time')} |`);
});

test('a stale table is replaced, and a missing marker is an error that names the file', () => {
  const stale = `a\n<!-- streams-table:start (generated from connector/streams/definitions.ts by \`npm run gen:docs\`) -->\nold\n<!-- streams-table:end -->\nb`;
  expect(withTable(stale, 'streams-table')).toContain(renderStreamsTable());
  expect(withTable(stale, 'streams-table')).not.toContain('old');
  expect(() => withTables(DOCS_PAGE, 'no markers')).toThrow(DOCS_PAGE);
});

test('the README first screen gives the two quick-start commands', () => {
  const firstScreen = readme.split('\n').slice(0, 40).join('\n');
  expect(firstScreen).toContain('npm ci && npm run demo');
  expect(firstScreen).toContain('npm ci && npm test');
});
