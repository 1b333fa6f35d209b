import { INFERRED_DESCRIPTION, withUndeclaredProperties } from './undeclared-properties';
import items from '../../schemas/items.json';

const declared = items as Record<string, unknown>;
const snapshot = JSON.stringify(declared);

describe('withUndeclaredProperties', () => {
  const record = (extra: Record<string, unknown>) => ({ id: 'itm_1', sku: 'S', name: 'n', updated_at: '2024-01-01T00:00:00Z', ...extra });

  test('adds one inferred, nullable, described property per undeclared top-level field', () => {
    const { schema, added } = withUndeclaredProperties(declared, [
      record({ loyalty_tier: 'gold', last_audited_at: '2025-10-01T00:00:00.5Z' }),
      record({ loyalty_tier: null, risk_score: 0.25, last_audited_at: '2025-10-02T00:00:00Z' }),
    ]);
    expect(added).toEqual(['loyalty_tier', 'last_audited_at', 'risk_score']);
    const props = schema.properties as Record<string, unknown>;
    expect(props.loyalty_tier).toEqual({ type: ['null', 'string'], description: INFERRED_DESCRIPTION });
    expect(props.last_audited_at).toEqual({ type: ['null', 'string'], format: 'date-time', description: INFERRED_DESCRIPTION });
    expect(props.risk_score).toEqual({ type: ['null', 'number'], description: INFERRED_DESCRIPTION });
  });

  test('never changes or removes a declared property, even when the samples disagree with it', () => {
    const { schema } = withUndeclaredProperties(declared, [record({ unit_price: 'free', tags: 'x', brand_new: 1 })]);
    const before = declared.properties as Record<string, unknown>;
    const after = schema.properties as Record<string, unknown>;
    for (const [name, s] of Object.entries(before)) expect(after[name]).toEqual(s);
    expect(Object.keys(after)).toEqual([...Object.keys(before), 'brand_new']);
    expect({ ...schema, properties: undefined }).toEqual({ ...declared, properties: undefined }); // title, required, …
  });

  test('nested fields of declared objects are not added (that would change a declared property)', () => {
    const { added, schema } = withUndeclaredProperties(declared, [record({ tags: ['a'], id: 'x' })]);
    expect(added).toEqual([]);
    expect(schema).toBe(declared);
  });

  test('does not mutate the checked-in schema', () => {
    withUndeclaredProperties(declared, [record({ new_field: { a: 1 } })]);
    expect(JSON.stringify(declared)).toBe(snapshot);
  });

  test('no records: the checked-in schema as it is', () => {
    expect(withUndeclaredProperties(declared, [])).toEqual({ schema: declared, added: [] });
  });
});
