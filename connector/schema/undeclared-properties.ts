import { inferSchema, JsonSchema, ownValue } from './infer';

/** Says where an inferred property comes from, in the platform's schema view. */
export const INFERRED_DESCRIPTION = 'Not in the API contract: type inferred by discover from sampled records.';

export interface ExtendedSchema {
  schema: JsonSchema;
  /** Names of the properties added, in first-seen order. */
  added: string[];
}

/**
 * The checked-in schema plus one inferred property for every top-level field
 * the sampled records carry and the schema does not declare. Declared
 * properties are never changed or removed (the checked-in schema is the
 * contract's truth), and nested fields of declared objects are left alone:
 * adding them would change a declared property. The input is not mutated.
 */
export function withUndeclaredProperties(declared: JsonSchema, records: readonly Record<string, unknown>[]): ExtendedSchema {
  const properties = (declared.properties ?? {}) as Record<string, JsonSchema>;
  const known = new Set(Object.keys(properties));
  const added: string[] = [];
  for (const record of records) {
    for (const name of Object.keys(record)) {
      if (!known.has(name)) {
        known.add(name);
        added.push(name);
      }
    }
  }
  if (!added.length) return { schema: declared, added };
  const inferred = added.map((name) => [name, { ...inferSchema(records.map((r) => ownValue(r, name))), description: INFERRED_DESCRIPTION }] as const);
  return { schema: { ...declared, properties: Object.fromEntries([...Object.entries(properties), ...inferred]) }, added };
}
