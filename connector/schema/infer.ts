import { parseTimestamp } from '../state/timestamp';

/**
 * Type inference for fields the API sends but the checked-in schemas do not
 * declare: from the values sampled for one field, the JSON Schema a
 * destination can make a column from.
 *
 * - Always nullable: a sample proves what a field can hold, never that it is
 *   always present, so every inferred schema allows null.
 * - `string` with `format: date-time` when every sampled string is an RFC 3339
 *   date-time (the connector's own parser decides), plain `string` otherwise.
 * - `integer` when every number is whole, `number` as soon as one is not.
 * - `boolean`.
 * - `object` with properties inferred the same way from every sampled object,
 *   down to MAX_DEPTH levels; deeper objects are `object` without properties.
 * - `array` with `items` inferred from the elements of every sampled array.
 * - `{}` (any value) when the samples disagree (a string here, a number there)
 *   or when every sample is null: better a JSON column than a wrong type.
 */
export type JsonSchema = Record<string, unknown>;

/** Levels of nested objects/arrays described; deeper ones are typed but not detailed. */
export const MAX_DEPTH = 3;

type Kind = 'string' | 'date-time' | 'integer' | 'number' | 'boolean' | 'object' | 'array';

function kindOf(value: unknown): Kind | 'other' {
  switch (typeof value) {
    case 'string':
      return parseTimestamp(value) === undefined ? 'string' : 'date-time';
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
      return Array.isArray(value) ? 'array' : 'object';
    default:
      return 'other';
  }
}

/** Kinds that mean the same JSON type: date-time widens to string, integer to number. */
function unify(kinds: Set<Kind | 'other'>): Kind | undefined {
  if (kinds.has('other')) return undefined;
  if (kinds.size === 1) return [...kinds][0] as Kind;
  if (kinds.size === 2 && kinds.has('string') && kinds.has('date-time')) return 'string';
  if (kinds.size === 2 && kinds.has('integer') && kinds.has('number')) return 'number';
  return undefined;
}

const nullable = (type: string, rest: JsonSchema = {}): JsonSchema => ({ type: ['null', type], ...rest });

/** The schema of one field from its sampled values (undefined = absent; absent and null only make it nullable). */
export function inferSchema(values: readonly unknown[], depth = 0): JsonSchema {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (!present.length) return {};
  const kind = unify(new Set(present.map(kindOf)));
  switch (kind) {
    case undefined:
      return {};
    case 'date-time':
      return nullable('string', { format: 'date-time' });
    case 'object':
      if (depth >= MAX_DEPTH) return nullable('object');
      return nullable('object', { properties: inferProperties(present as Record<string, unknown>[], depth + 1) });
    case 'array': {
      if (depth >= MAX_DEPTH) return nullable('array');
      const elements = (present as unknown[][]).flat();
      return elements.length ? nullable('array', { items: inferSchema(elements, depth + 1) }) : nullable('array');
    }
    default:
      return nullable(kind);
  }
}

/** The value of an own property (never one inherited from Object.prototype, like `__proto__`). */
export const ownValue = (o: Record<string, unknown>, name: string): unknown => (Object.hasOwn(o, name) ? o[name] : undefined);

/** One inferred schema per key seen in any of the objects, keys in first-seen order. */
export function inferProperties(objects: readonly Record<string, unknown>[], depth = 0): Record<string, JsonSchema> {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const o of objects) {
    for (const k of Object.keys(o)) {
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
    }
  }
  // fromEntries defines every key as an own property, "__proto__" included.
  return Object.fromEntries(names.map((name) => [name, inferSchema(objects.map((o) => ownValue(o, name)), depth)]));
}
