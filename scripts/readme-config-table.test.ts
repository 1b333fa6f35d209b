import { readFileSync } from 'fs';
import { resolve } from 'path';
import { connectionSpecification } from '../connector/config/spec';
import { readmeWithTable, renderConfigTable } from './readme-config-table';

const readme = readFileSync(resolve(__dirname, '../README.md'), 'utf8');

test('the README config table is the one generated from the spec (run `npm run gen:readme`)', () => {
  expect(readme).toBe(readmeWithTable(readme));
});

test('every spec field and its default appear in the table', () => {
  const table = renderConfigTable();
  for (const [name, p] of Object.entries(connectionSpecification.properties)) {
    expect(table).toContain(`\`${name}\``);
    if ('default' in p) expect(table).toContain(`\`${String(p.default)}\``);
  }
});

test('the README first screen gives the two quick-start commands', () => {
  const firstScreen = readme.split('\n').slice(0, 40).join('\n');
  expect(firstScreen).toContain('npm ci && npm run demo');
  expect(firstScreen).toContain('npm ci && npm test');
});
