/**
 * Records that honour the contract's schemas (openapi.yaml, components.schemas),
 * one generator per resource, from a seeded random source. Ids are opaque
 * strings whose string order differs from their creation order, so id
 * tie-breaks are exercised for real.
 */
export const RESOURCES = ['stock_summaries', 'customers', 'items', 'stock_details', 'inventory', 'orders'] as const;
export type Resource = (typeof RESOURCES)[number];

export type Json = Record<string, unknown>;

/** A small deterministic PRNG (mulberry32). */
export function randomSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PREFIX: Record<Resource, string> = {
  stock_summaries: 'ss',
  customers: 'cu',
  items: 'it',
  stock_details: 'sd',
  inventory: 'iv',
  orders: 'or',
};

/** `it-7`, `it-70`, `it-8`: string order is not numeric order. A base-36 tag keeps ids opaque. */
export function idFor(resource: Resource, n: number): string {
  return `${PREFIX[resource]}-${n}${((n * 2654435761) >>> 0).toString(36).slice(0, 3)}`;
}

const money = (random: () => number, max: number) => Math.round(random() * max * 100) / 100;
const pick = <T>(random: () => number, values: readonly T[]): T => values[Math.floor(random() * values.length)];

/** The fields of one record besides id and updated_at (as_of for stock_summaries), version `v`. */
export function fieldsFor(resource: Resource, n: number, v: number, random: () => number, at: string): Json {
  switch (resource) {
    case 'customers':
      return {
        name: `Customer ${n} v${v}`,
        email: random() < 0.8 ? `c${n}@example.com` : null,
        phone: random() < 0.5 ? `+1555${String(n).padStart(7, '0')}` : null,
        company: random() < 0.5 ? `Company ${n % 40}` : null,
        billing_address: random() < 0.7 ? { line1: `${n} Main St`, line2: null, city: 'Springfield', region: null, postal_code: null, country: 'US' } : null,
        status: pick(random, ['active', 'archived'] as const),
        created_at: '2024-01-01T00:00:00Z',
      };
    case 'items':
      return {
        sku: `SKU-${n}`,
        name: `Item ${n} v${v}`,
        description: random() < 0.5 ? `Description of item ${n}` : null,
        category: random() < 0.5 ? pick(random, ['tools', 'parts', 'food']) : null,
        unit_of_measure: pick(random, ['each', 'kg', 'm', 'box']),
        unit_price: random() < 0.9 ? money(random, 500) : null,
        currency: random() < 0.9 ? 'EUR' : null,
        is_active: random() < 0.9,
        tags: random() < 0.5 ? ['a', `t${n % 7}`] : [],
        created_at: '2024-01-01T00:00:00Z',
      };
    case 'orders': {
      const qty = 1 + Math.floor(random() * 5);
      const price = money(random, 100);
      const subtotal = Math.round(qty * price * 100) / 100;
      const tax = Math.round(subtotal * 20) / 100;
      return {
        order_number: `SO-${n}`,
        customer_id: random() < 0.9 ? idFor('customers', n % 50) : null,
        status: pick(random, ['draft', 'confirmed', 'shipped', 'delivered', 'cancelled'] as const),
        currency: 'EUR',
        subtotal,
        tax,
        total: Math.round((subtotal + tax) * 100) / 100,
        line_items: [{ item_id: idFor('items', n % 97), sku: `SKU-${n % 97}`, quantity: qty, unit_price: price, line_total: subtotal }],
        ordered_at: '2024-02-01T00:00:00Z',
        shipped_at: random() < 0.5 ? '2024-02-03T00:00:00Z' : null,
        created_at: '2024-02-01T00:00:00Z',
      };
    }
    case 'inventory': {
      const onHand = Math.floor(random() * 1000) + v;
      const reserved = Math.floor(random() * onHand);
      return {
        item_id: idFor('items', n % 97),
        warehouse_id: `wh-${n % 5}`,
        warehouse_name: `Warehouse ${n % 5}`,
        quantity_on_hand: onHand,
        quantity_reserved: reserved,
        quantity_available: onHand - reserved,
        reorder_point: random() < 0.7 ? 10 : null,
      };
    }
    case 'stock_details':
      return {
        item_id: idFor('items', n % 97),
        warehouse_id: `wh-${n % 5}`,
        lot_number: random() < 0.5 ? `LOT-${n}` : null,
        serial_number: random() < 0.3 ? `SN-${n}` : null,
        quantity: Math.floor(random() * 100) + v,
        unit_cost: random() < 0.8 ? money(random, 50) : null,
        received_at: '2024-03-01T00:00:00Z',
        expires_on: random() < 0.4 ? '2027-01-31' : null,
      };
    case 'stock_summaries':
      return {
        item_id: idFor('items', n),
        item_name: `Item ${n}`,
        total_on_hand: 100 + v,
        total_reserved: 10,
        total_available: 90 + v,
        total_value: random() < 0.9 ? money(random, 10000) : null,
        warehouse_count: 1 + (n % 5),
        as_of: at,
      };
  }
}
