/** Shared by the simulator's tests: the contract validator and small HTTP helpers. */
import fs from 'fs';
import http from 'http';
import path from 'path';
import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fetch, { Response } from 'node-fetch';
import YAML from 'yaml';
import { DEFAULT_API_KEY, Resource, Simulator } from './index';

const CONTRACT_ID = 'https://contract.invalid/openapi.yaml';

export const PAGE_SCHEMA: Record<Resource, string> = {
  stock_summaries: 'StockSummaryPage',
  customers: 'CustomerPage',
  items: 'ItemPage',
  stock_details: 'StockDetailPage',
  inventory: 'InventoryPage',
  orders: 'OrderPage',
};

let ajv: Ajv2020 | null = null;

/** A validator for `#/components/schemas/<name>` of the contract (openapi.yaml beside this file). */
export function contractValidator(name: string): ValidateFunction {
  if (!ajv) {
    const doc = YAML.parse(fs.readFileSync(path.join(__dirname, 'openapi.yaml'), 'utf8')) as Record<string, unknown>;
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...doc, $id: CONTRACT_ID });
  }
  return ajv.compile({ $ref: `${CONTRACT_ID}#/components/schemas/${name}` });
}

/** Throws with ajv's errors when `value` does not match the contract schema `name`. */
export function expectValid(name: string, value: unknown): void {
  const validate = contractValidator(name);
  if (!validate(value)) {
    throw new Error(`${name} invalid: ${JSON.stringify(validate.errors?.slice(0, 5))}\n${JSON.stringify(value).slice(0, 600)}`);
  }
}

export const agent = new http.Agent({ keepAlive: true });

export type Query = Record<string, string | number | undefined>;

export function urlFor(sim: Simulator, resource: string, query: Query = {}, apiKey: string | null = DEFAULT_API_KEY): string {
  const params = new URLSearchParams();
  if (apiKey !== null) params.set('api_key', apiKey);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  return `${sim.url}/v1/${resource}?${params.toString()}`;
}

export function get(sim: Simulator, resource: string, query: Query = {}, apiKey: string | null = DEFAULT_API_KEY): Promise<Response> {
  return fetch(urlFor(sim, resource, query, apiKey), { agent });
}

export interface PageBody {
  total: number;
  offset: number;
  limit: number;
  data: Array<Record<string, unknown>>;
}

export async function getPage(sim: Simulator, resource: string, query: Query = {}): Promise<PageBody> {
  const res = await get(sim, resource, query);
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as PageBody;
}

/** Pages through with offset/limit until a short page; returns every record. */
export async function readAll(sim: Simulator, resource: string, query: Query = {}, limit = 100): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for (let offset = 0; ; offset += limit) {
    const page = await getPage(sim, resource, { ...query, offset, limit });
    out.push(...page.data);
    if (page.data.length < limit) return out;
  }
}

/** Microseconds of a timestamp, computed independently of the simulator's parser (Z only). */
export function micros(ts: string): number {
  const m = /^(.{19})(?:\.(\d{1,6}))?Z$/.exec(ts);
  if (!m) throw new Error(`unexpected timestamp ${ts}`);
  return Date.parse(`${m[1]}Z`) * 1000 + Number((m[2] ?? '').padEnd(6, '0'));
}
