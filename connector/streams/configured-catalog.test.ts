import { planStreams } from './configured-catalog';

const entry = (name: string, sync_mode: unknown = 'full_refresh', extra: object = {}) => ({
  stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh'] },
  sync_mode,
  destination_sync_mode: 'append',
  ...extra,
});

describe('planStreams', () => {
  test('keeps the catalog order and modes, tolerates nulls from pydantic', () => {
    const { plans } = planStreams({ streams: [entry('orders', 'incremental', { cursor_field: null, primary_key: null }), entry('stock_summaries')] });
    expect(plans.map((p) => [p.def.name, p.syncMode])).toEqual([
      ['orders', 'incremental'],
      ['stock_summaries', 'full_refresh'],
    ]);
  });

  test("each plan carries its stream's json_schema as configured (what the platform will write)", () => {
    const schema = { type: 'object', properties: { id: { type: 'string' }, loyalty_tier: { type: ['null', 'string'] } } };
    const { plans } = planStreams({ streams: [{ ...entry('items'), stream: { name: 'items', json_schema: schema } }, { stream: { name: 'orders' } }] });
    expect(plans[0].jsonSchema).toEqual(schema);
    expect(plans[1].jsonSchema).toBeUndefined();
  });

  test('a missing sync_mode means full_refresh', () => {
    expect(planStreams({ streams: [{ stream: { name: 'items' } }] }).plans[0].syncMode).toBe('full_refresh');
  });

  test("CAT's invalid stream is rejected before anything is read, with every problem named", () => {
    expect(() => planStreams({ streams: [entry('__AIRBYTE__stream_that_does_not_exist', 'INVALID'), entry('stock_summaries', 'incremental')] })).toThrow(
      /__AIRBYTE__stream_that_does_not_exist' does not exist.*stock_summaries' cannot be read with sync_mode "incremental"/,
    );
  });

  test('a stream listed twice or a catalog without streams is a config_error', () => {
    expect(() => planStreams({ streams: [entry('items'), entry('items')] })).toThrow(/listed twice/);
    expect(() => planStreams({})).toThrow(/"streams" array/);
  });

  test('a cursor_field other than the source-defined one is ignored with a warning', () => {
    const { warnings } = planStreams({ streams: [entry('items', 'incremental', { cursor_field: ['created_at'] })] });
    expect(warnings[0]).toMatch(/ignored/);
  });
});
