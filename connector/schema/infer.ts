import { integerShape, isJsonNumber } from '../json/numbers';
import { parseTimestamp } from '../state/timestamp';

/**
 * Type inference for fields the API sends but the checked-in schemas do not
 * declare: from the values sampled for one field, the JSON Schema a
 * destination can make a column from.
 *
 * The rule is that a field gets the same schema from any sample of the same
 * data: every platform-visible flip (integer one day, number the next; an
 * object with one more key) is a schema change the platform reports or pauses
 * the connection for. So only what every sample of a field agrees on is said:
 *
 * - Always nullable: a sample proves what a field can hold, never that it is
 *   always present, so every inferred schema allows null.
 * - `string` with `format: date-time` when every sampled string is an RFC 3339
 *   date-time (the connector's own parser decides), plain `string` otherwise.
 * - `number` for numbers, whole or not (Airbyte's own Python CDK types every
 *   number so: its SchemaInferrer turns integer into number). The one
 *   exception is a field whose numbers are all written as integers with at
 *   least one beyond ±2^53: an identifier-like 64-bit integer that a floating
 *   point column would corrupt, typed `integer`. A sample of only small
 *   integers cannot tell an id from a count, and is `number`.
 * - `boolean`.
 * - `object` for objects, without `properties`: which keys a sample shows
 *   depends on the sample, and destinations store an object's JSON whole.
 * - `array` for arrays, without `items`, for the same reason.
 * - `{}` (any value) when the samples disagree (a string here, a number there)
 *   or when every sample is null: better a JSON column than a wrong type.
 */
export type JsonSchema = Record<string, unknown>;

type Kind = 'string' | 'date-time' | 'number' | 'boolean' | 'object' | 'array';

function kindOf(value: unknown): Kind | 'other' {
  if (isJsonNumber(value)) return 'number';
  switch (typeof value) {
    case 'string':
      return parseTimestamp(value) === undefined ? 'string' : 'date-time';
    case 'boolean':
      return 'boolean';
    case 'object':
      return Array.isArray(value) ? 'array' : 'object';
    default:
      return 'other';
  }
}

/** Kinds that mean the same JSON type: date-time widens to string. */
function unify(kinds: Set<Kind | 'other'>): Kind | undefined {
  if (kinds.has('other')) return undefined;
  if (kinds.size === 1) return [...kinds][0] as Kind;
  if (kinds.size === 2 && kinds.has('string') && kinds.has('date-time')) return 'string';
  return undefined;
}

/** `integer` for numbers all written as integers with one at least beyond ±2^53, `number` for any others. */
function numberType(values: readonly unknown[]): 'integer' | 'number' {
  let beyondDouble = false;
  for (const v of values) {
    if (!isJsonNumber(v)) continue;
    const shape = integerShape(v);
    if (!shape.integer) return 'number';
    beyondDouble ||= shape.beyondDouble;
  }
  return beyondDouble ? 'integer' : 'number';
}

const nullable = (type: string, rest: JsonSchema = {}): JsonSchema => ({ type: ['null', type], ...rest });

/** The schema of one field from its sampled values (undefined = absent; absent and null only make it nullable). */
export function inferSchema(values: readonly unknown[]): JsonSchema {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (!present.length) return {};
  const kind = unify(new Set(present.map(kindOf)));
  switch (kind) {
    case undefined:
      return {};
    case 'date-time':
      return nullable('string', { format: 'date-time' });
    case 'number':
      return nullable(numberType(present));
    default:
      return nullable(kind);
  }
}

/** The value of an own property (never one inherited from Object.prototype, like `__proto__`). */
export const ownValue = (o: Record<string, unknown>, name: string): unknown => (Object.hasOwn(o, name) ? o[name] : undefined);
