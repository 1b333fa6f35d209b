/**
 * The fixed simulator data set the CAT-style suite (acceptance-tests/cat.test.ts) and the
 * generator of its expected records (integration_tests/generate.ts) share. Changing the
 * seed or the counts changes every expected record: run the generator again.
 *
 * Counts are 250-600 per resource so every stream spans several 100-record pages, and
 * every incremental resource has its first 256-record block, which always holds one bulk
 * import of 150-250 records sharing one updated_at (a tie longer than a page).
 */
import { readFileSync } from 'fs';
import { DEFAULT_API_KEY, Resource, SimulatorOptions } from '../simulator';

export const CAT_SEED = 20250;

export const CAT_COUNTS: Record<Resource, number> = {
  stock_summaries: 260,
  customers: 450,
  items: 300,
  stock_details: 520,
  inventory: 380,
  orders: 600,
};

export const catSimulatorOptions = (): SimulatorOptions => ({ seed: CAT_SEED, counts: { ...CAT_COUNTS } });

/** The same data set with fields the checked-in schemas do not declare (issue 10's basic read at high strictness). */
export const catNewFieldsSimulatorOptions = (): SimulatorOptions => ({ ...catSimulatorOptions(), extraFields: true });

/** Fixed emitted_at written into expected_records.jsonl (CAT ignores emitted_at when comparing). */
export const EXPECTED_EMITTED_AT = 1_700_000_000_000;

/** Which records of a resource go into expected_records.jsonl: every 20th, plus the last. */
export const isExpectedSample = (position: number, count: number): boolean => position % 20 === 0 || position === count - 1;

/**
 * Placeholders the config files of integration_tests/ may hold; the runner replaces them
 * before the connector sees the file. The simulator's port is chosen at run time, so
 * no config file can hold a literal base_url.
 */
export interface Placeholders {
  SIMULATOR_URL: string;
  /** A second simulator with the same data plus undeclared fields in every record. */
  SIMULATOR_NEW_FIELDS_URL: string;
  SIMULATOR_API_KEY: string;
}

export const placeholdersFor = (url: string, newFieldsUrl: string): Placeholders => ({
  SIMULATOR_URL: url,
  SIMULATOR_NEW_FIELDS_URL: newFieldsUrl,
  SIMULATOR_API_KEY: DEFAULT_API_KEY,
});

/** Replaces every ${NAME} of `vars`; an unknown ${NAME} is an error, so a typo cannot reach the connector. */
export function substitute(text: string, vars: Placeholders): string {
  return text.replace(/\$\{([A-Z_]+)\}/g, (whole, name: string) => {
    if (!(name in vars)) throw new Error(`unknown placeholder ${whole}`);
    return vars[name as keyof Placeholders];
  });
}

export function readJsonWith(path: string, vars: Placeholders): unknown {
  return JSON.parse(substitute(readFileSync(path, 'utf8'), vars));
}

export function readJsonl(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
