/**
 * Fields a read passes through that the configured catalog does not declare.
 *
 * The platform writes what the configured catalog's json_schema declares; a
 * typed destination makes no column for any other top-level field, so a field
 * the API added since the last schema refresh does not reach the warehouse's
 * columns. Records are still passed on in full (the contract says so); this
 * only notices such fields, so the read can say so once per field.
 *
 * Depth: top-level keys only. They are what becomes a column; a new key inside
 * a declared object stays inside that object's JSON value, so it is not lost.
 * It is also what the hot path can afford: a read emits ~80,000 records/s, and
 * checking each record's own keys against two Sets costs well under a
 * microsecond per record, where a deep walk of every record would not.
 *
 * A catalog stream whose json_schema has no `properties` object declares no
 * columns to compare with (hand-written test catalogs do this): nothing is
 * reported for it.
 */
const NONE: readonly string[] = Object.freeze([]);

export class UndeclaredFields {
  /** Declared fields and undeclared ones already reported: one Set lookup per key on the hot path. */
  private readonly known: Set<string> | undefined;
  private readonly seen: string[] = [];

  constructor(jsonSchema: unknown) {
    const properties = jsonSchema && typeof jsonSchema === 'object' ? (jsonSchema as Record<string, unknown>).properties : undefined;
    this.known = properties && typeof properties === 'object' && !Array.isArray(properties) ? new Set(Object.keys(properties)) : undefined;
  }

  /** Undeclared fields seen so far. */
  get count(): number {
    return this.seen.length;
  }

  /** Their names, in the order they were first seen. */
  get names(): string[] {
    return [...this.seen];
  }

  /** The undeclared top-level fields of `record` not seen before (usually none: a shared empty array). */
  observe(record: Record<string, unknown>): readonly string[] {
    const known = this.known;
    if (!known) return NONE;
    let fresh: string[] | undefined;
    for (const key in record) {
      if (known.has(key) || !Object.hasOwn(record, key)) continue;
      known.add(key);
      this.seen.push(key);
      (fresh ??= []).push(key);
    }
    return fresh ?? NONE;
  }

  /** `observe` over a page of records: every field first seen in it. */
  observeAll(records: readonly Record<string, unknown>[]): readonly string[] {
    let fresh: string[] | undefined;
    for (const record of records) {
      const found = this.observe(record);
      if (found.length) (fresh ??= []).push(...found);
    }
    return fresh ?? NONE;
  }
}

/** The WARN for fields first seen in a stream: what they are, what happens to them, what to do. */
export function undeclaredFieldsWarning(stream: string, names: readonly string[]): string {
  const one = names.length === 1;
  return (
    `${stream}: the API sends ${one ? 'a field' : `${names.length} fields`} the configured catalog does not declare: ${names.join(', ')}. ` +
    `${one ? 'It is' : 'They are'} passed on in the records, but a destination makes no column for ${one ? 'it' : 'them'} until the ` +
    `source schema is refreshed in the platform; a refresh (which runs discover) will add ${one ? 'it' : 'them'} as ${one ? 'a column' : 'columns'}.`
  );
}
