/**
 * The README's configuration table, rendered from the connector's spec so the
 * two cannot drift apart.
 *   node dist/scripts/readme-config-table.js          rewrite README.md between the markers
 *   scripts/readme-config-table.test.ts               fails when README.md is stale
 */
import { readFileSync, writeFileSync } from 'fs';
import { resolve } from 'path';
import { connectionSpecification } from '../connector/config/spec';

export const START = '<!-- config-table:start (generated from connector/config/spec.ts by `npm run gen:readme`) -->';
export const END = '<!-- config-table:end -->';

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
    return `| \`${name}\` | ${type}${range} | ${dflt} | ${(p.description ?? '').replace(/\|/g, '\\|')} |`;
  });
  return [START, '| field | type | default | description |', '|---|---|---|---|', ...rows, END].join('\n');
}

export function readmeWithTable(readme: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < 0) throw new Error('README.md has no config-table markers');
  return readme.slice(0, a) + renderConfigTable() + readme.slice(b + END.length);
}

if (require.main === module) {
  const path = resolve(__dirname, '../../README.md');
  writeFileSync(path, readmeWithTable(readFileSync(path, 'utf8')));
  process.stderr.write('README.md config table regenerated.\n');
}
