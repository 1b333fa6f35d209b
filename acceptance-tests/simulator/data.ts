/**
 * Deterministic record generation: record `index` of a resource depends only on
 * (seed, resource, index) and its updated_at, so nothing is ever materialised.
 */
import { Rng, hash } from './random';
import { MICROS_PER_DAY, MICROS_PER_SECOND, formatDate, formatTimestamp } from './time';
import { TIMELINE_END } from './timeline';
import { ApiRecord, RESOURCES, Resource } from './types';

const ID_PREFIX: Record<Resource, string> = {
  stock_summaries: 'ss_',
  customers: 'cus_',
  items: 'itm_',
  stock_details: 'sd_',
  inventory: 'inv_',
  orders: 'ord_',
};
const ID_DIGITS = 8;

/** Ids are the prefix plus the zero-padded 1-based index, so id order is index order. */
export function recordId(resource: Resource, index: number): string {
  return ID_PREFIX[resource] + String(index + 1).padStart(ID_DIGITS, '0');
}

/** The index of an id of this resource, or null when it is not one. */
export function indexOfId(resource: Resource, id: string): number | null {
  const prefix = ID_PREFIX[resource];
  if (!id.startsWith(prefix)) return null;
  const digits = id.slice(prefix.length);
  if (!/^\d+$/.test(digits) || digits.length !== ID_DIGITS) return null;
  return Number(digits) - 1;
}

export interface GenerationContext {
  seed: number;
  counts: Record<Resource, number>;
}

const FIRST_NAMES = ['Zoë', 'José', 'Łukasz', 'Søren', 'François', 'Ana', 'Björk', 'Ngọc', 'Олег', '太郎', 'Émilie', 'Siobhán', 'John', 'Mary', 'Ahmed', 'Priya', 'Chen', 'Olivia', 'Noah', 'Fatima'];
const LAST_NAMES = ['Müller', 'García', 'Nowak', 'Kierkegaard', 'Dubois', 'Conceição', 'Guðmundsdóttir', 'Trần', 'Иванов', '田中', 'Øster', 'Smith', 'Johnson', 'Khan', 'Patel', 'Wang', 'Brown', 'Ólafsson'];
const COMPANIES = ['Acme Corp', 'Müller & Söhne GmbH', 'Café Lumière SARL', '株式会社サクラ', 'Łódzkie Hurtownie Sp. z o.o.', 'Nordic Ærø ApS', 'Globex', 'Initech', 'Umbrella Ltd', 'Distribuidora São Jorge'];
const CITIES: Array<{ city: string; region: string | null; country: string; postal: string | null }> = [
  { city: 'São Paulo', region: 'SP', country: 'BR', postal: '01310-100' },
  { city: 'Łódź', region: 'Łódzkie', country: 'PL', postal: '90-001' },
  { city: '東京', region: '東京都', country: 'JP', postal: '100-0001' },
  { city: 'München', region: 'Bayern', country: 'DE', postal: '80331' },
  { city: 'Zürich', region: 'ZH', country: 'CH', postal: '8001' },
  { city: 'Reykjavík', region: null, country: 'IS', postal: '101' },
  { city: 'Montréal', region: 'QC', country: 'CA', postal: 'H2Y 1C6' },
  { city: 'New York', region: 'NY', country: 'US', postal: '10001' },
  { city: 'Paris', region: 'Île-de-France', country: 'FR', postal: '75001' },
  { city: 'Dublin', region: null, country: 'IE', postal: null },
  { city: 'Kraków', region: 'Małopolskie', country: 'PL', postal: '30-001' },
];
const STREETS = ['Rua Augusta', 'ul. Piotrkowska', 'Bahnhofstraße', 'Main Street', 'Rue de Rivoli', 'Laugavegur', '銀座通り', 'Calle Mayor'];
const PRODUCTS = ['Café Crème Mug', 'Größenverstellbarer Stuhl', 'Stainless Bolt M8', 'Łańcuch rowerowy', 'Filtro de água', 'Cable Cat6 (m)', '抹茶 Tea Tin', 'Smørrebrød Board', 'Pallet Wrap', 'LED Panel 60×60', 'Ñandú Plush Toy', 'Coffee Beans 1 kg'];
const DESCRIPTIONS = ['Bestseller 🔥', 'Robust, wetterfest und langlebig.', 'Produto importado — garantia de 2 anos.', 'Ships flat-packed 📦', '日本製の高品質な製品です。', 'Nouvelle édition limitée ✨', 'Food-grade, BPA free.', 'Wytrzymały i lekki.'];
const CATEGORIES = ['Kitchen', 'Furniture', 'Hardware', 'Électronique', 'Outdoor', 'Verpackung', 'Food & Beverage'];
const UNITS = ['each', 'kg', 'm', 'box'];
const TAGS = ['new', 'sale', 'fragile', 'bulky', 'eco', 'imported', 'seasonal', 'bestseller', 'ökologisch', '限定'];
const CURRENCIES = ['USD', 'EUR', 'GBP', 'PLN', 'BRL', 'CHF'];
const WAREHOUSES = ['東京倉庫', 'São Paulo CD', 'Łódź Magazyn Główny', 'Zürich Lager', 'Chicago Main', 'Rotterdam Hub', 'Montréal Entrepôt'];
const ORDER_STATUSES = ['draft', 'confirmed', 'shipped', 'delivered', 'cancelled'];
const LOYALTY = ['bronze', 'silver', 'gold', 'platinum'];

const money = (cents: number): number => cents / 100;

function rngFor(ctx: GenerationContext, resource: Resource, index: number, salt = 0): Rng {
  return new Rng(hash(ctx.seed, RESOURCES.indexOf(resource), index, salt));
}

function refId(resource: Resource, rng: Rng, ctx: GenerationContext): string {
  return recordId(resource, rng.int(0, Math.max(1, ctx.counts[resource]) - 1));
}

function warehouseIndex(rng: Rng): number {
  return rng.int(0, WAREHOUSES.length - 1);
}

/** An instant some days before `micros`, at whole seconds or milliseconds. */
function earlier(rng: Rng, micros: number, maxDays: number): number {
  const wholeSecond = Math.floor(micros / MICROS_PER_SECOND) * MICROS_PER_SECOND;
  const back = rng.int(1, maxDays * 86_400) * MICROS_PER_SECOND - (rng.chance(0.5) ? rng.int(0, 999) * 1000 : 0);
  return wholeSecond - back;
}

function customer(index: number, updatedAt: number, rng: Rng): ApiRecord {
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const place = rng.pick(CITIES);
  const address = rng.chance(0.2)
    ? null
    : {
        line1: `${rng.pick(STREETS)} ${rng.int(1, 999)}`,
        line2: rng.chance(0.6) ? null : `Apt ${rng.int(1, 120)}`,
        city: place.city,
        region: place.region,
        postal_code: place.postal,
        country: place.country,
      };
  return {
    id: recordId('customers', index),
    name: `${first} ${last}`,
    email: rng.chance(0.15) ? null : `customer${index + 1}@example.com`,
    phone: rng.chance(0.3) ? null : `+${rng.int(1, 99)} ${rng.int(100, 999)} ${rng.int(100000, 9999999)}`,
    company: rng.chance(0.4) ? null : rng.pick(COMPANIES),
    billing_address: address,
    status: rng.chance(0.85) ? 'active' : 'archived',
    created_at: formatTimestamp(earlier(rng, updatedAt, 400)),
    updated_at: formatTimestamp(updatedAt),
  };
}

function item(index: number, updatedAt: number, rng: Rng): ApiRecord {
  const priced = rng.chance(0.85);
  const tagCount = rng.int(0, 4);
  const tags: string[] = [];
  for (let t = 0; t < tagCount; t++) tags.push(rng.pick(TAGS));
  return {
    id: recordId('items', index),
    sku: `SKU-${String(index + 1).padStart(6, '0')}`,
    name: `${rng.pick(PRODUCTS)} #${index + 1}`,
    description: rng.chance(0.3) ? null : rng.pick(DESCRIPTIONS),
    category: rng.chance(0.2) ? null : rng.pick(CATEGORIES),
    unit_of_measure: rng.pick(UNITS),
    unit_price: priced ? money(rng.int(50, 250_000)) : null,
    currency: priced ? rng.pick(CURRENCIES) : null,
    is_active: rng.chance(0.9),
    tags: [...new Set(tags)],
    created_at: formatTimestamp(earlier(rng, updatedAt, 600)),
    updated_at: formatTimestamp(updatedAt),
  };
}

function order(ctx: GenerationContext, index: number, updatedAt: number, rng: Rng): ApiRecord {
  const status = rng.pick(ORDER_STATUSES);
  const lines = [];
  let subtotalCents = 0;
  const lineCount = rng.int(1, 5);
  for (let l = 0; l < lineCount; l++) {
    const itemIndex = rng.int(0, Math.max(1, ctx.counts.items) - 1);
    const unitCents = rng.int(50, 50_000);
    // Quantities in tenths: mostly whole units, sometimes 2.5 kg and the like.
    const quantityTenths = rng.chance(0.8) ? rng.int(1, 20) * 10 : rng.int(1, 200);
    const lineCents = Math.round((quantityTenths * unitCents) / 10);
    subtotalCents += lineCents;
    lines.push({
      item_id: recordId('items', itemIndex),
      sku: `SKU-${String(itemIndex + 1).padStart(6, '0')}`,
      quantity: quantityTenths / 10,
      unit_price: money(unitCents),
      line_total: money(lineCents),
    });
  }
  const taxCents = Math.round(subtotalCents * rng.pick([0, 0.07, 0.19, 0.2, 0.23]));
  const orderedAt = earlier(rng, updatedAt, 60);
  const shipped = status === 'shipped' || status === 'delivered';
  const shippedAt = shipped ? orderedAt + Math.floor((updatedAt - orderedAt) * rng.next()) : null;
  return {
    id: recordId('orders', index),
    order_number: `SO-${String(index + 1).padStart(7, '0')}`,
    customer_id: rng.chance(0.1) ? null : refId('customers', rng, ctx),
    status,
    currency: rng.pick(CURRENCIES),
    subtotal: money(subtotalCents),
    tax: money(taxCents),
    total: money(subtotalCents + taxCents),
    line_items: lines,
    ordered_at: formatTimestamp(orderedAt),
    shipped_at: shippedAt === null ? null : formatTimestamp(shippedAt),
    created_at: formatTimestamp(orderedAt),
    updated_at: formatTimestamp(updatedAt),
  };
}

function inventory(ctx: GenerationContext, index: number, updatedAt: number, rng: Rng): ApiRecord {
  const wh = warehouseIndex(rng);
  const onHand = rng.chance(0.1) ? rng.int(0, 5000) / 10 : rng.int(0, 5000);
  const reserved = Math.min(onHand, rng.int(0, 200));
  return {
    id: recordId('inventory', index),
    item_id: refId('items', rng, ctx),
    warehouse_id: `wh_${String(wh + 1).padStart(2, '0')}`,
    warehouse_name: WAREHOUSES[wh],
    quantity_on_hand: onHand,
    quantity_reserved: reserved,
    quantity_available: Math.round((onHand - reserved) * 10) / 10,
    reorder_point: rng.chance(0.35) ? null : rng.int(0, 500),
    updated_at: formatTimestamp(updatedAt),
  };
}

function stockDetail(ctx: GenerationContext, index: number, updatedAt: number, rng: Rng): ApiRecord {
  const wh = warehouseIndex(rng);
  const serialised = rng.chance(0.3);
  const receivedAt = earlier(rng, updatedAt, 300);
  return {
    id: recordId('stock_details', index),
    item_id: refId('items', rng, ctx),
    warehouse_id: `wh_${String(wh + 1).padStart(2, '0')}`,
    lot_number: rng.chance(0.4) ? null : `LOT-${rng.int(1000, 99999)}`,
    serial_number: serialised ? `SN${rng.int(10_000_000, 99_999_999)}` : null,
    quantity: serialised ? 1 : rng.int(1, 1000),
    unit_cost: rng.chance(0.25) ? null : money(rng.int(10, 100_000)),
    received_at: formatTimestamp(receivedAt),
    expires_on: rng.chance(0.5) ? null : formatDate(receivedAt + rng.int(30, 900) * MICROS_PER_DAY),
    updated_at: formatTimestamp(updatedAt),
  };
}

function stockSummary(index: number, rng: Rng): ApiRecord {
  const onHand = rng.int(0, 20_000);
  const reserved = Math.min(onHand, rng.int(0, 1500));
  const warehouses = onHand === 0 ? rng.int(0, 1) : rng.int(1, WAREHOUSES.length);
  return {
    id: recordId('stock_summaries', index),
    item_id: recordId('items', index),
    item_name: `${rng.pick(PRODUCTS)} #${index + 1}`,
    total_on_hand: onHand,
    total_reserved: reserved,
    total_available: onHand - reserved,
    total_value: rng.chance(0.2) ? null : money(onHand * rng.int(10, 5000)),
    warehouse_count: warehouses,
    as_of: formatTimestamp(TIMELINE_END + rng.int(0, 3599) * MICROS_PER_SECOND),
  };
}

/**
 * Undeclared fields the contract allows to appear at any time: a scalar, a nested
 * object (with an array inside), a nullable number and an RFC 3339 timestamp
 * (0 to 6 fraction digits, like every timestamp of the API).
 */
function extraFields(ctx: GenerationContext, resource: Resource, index: number): ApiRecord {
  const rng = rngFor(ctx, resource, index, 0xe47a);
  return {
    loyalty_tier: rng.pick(LOYALTY),
    warehouse_zone: { aisle: rng.int(1, 40), bin: `B-${rng.int(1, 99)}`, climate_controlled: rng.chance(0.3), labels: ['zone', rng.pick(TAGS)] },
    risk_score: rng.chance(0.3) ? null : rng.int(0, 1000) / 1000,
    last_audited_at: formatTimestamp(TIMELINE_END - rng.int(0, 90 * 86_400) * MICROS_PER_SECOND - (rng.chance(0.5) ? rng.int(0, 999_999) : 0)),
  };
}

/**
 * Record `index` of `resource` as the API serves it. `updatedAt` is its original updated_at
 * (microseconds; other timestamps derive from it), `currentUpdatedAt` the one it has now
 * (later when the record was updated since). Both are ignored for stock_summaries.
 */
export function generateRecord(
  ctx: GenerationContext,
  resource: Resource,
  index: number,
  updatedAt: number,
  currentUpdatedAt: number,
  withExtraFields: boolean,
  withBigIds = false,
): ApiRecord {
  const rng = rngFor(ctx, resource, index);
  let record: ApiRecord;
  switch (resource) {
    case 'customers':
      record = customer(index, updatedAt, rng);
      break;
    case 'items':
      record = item(index, updatedAt, rng);
      break;
    case 'orders':
      record = order(ctx, index, updatedAt, rng);
      break;
    case 'inventory':
      record = inventory(ctx, index, updatedAt, rng);
      break;
    case 'stock_details':
      record = stockDetail(ctx, index, updatedAt, rng);
      break;
    case 'stock_summaries':
      record = stockSummary(index, rng);
      break;
  }
  if (currentUpdatedAt !== updatedAt && resource !== 'stock_summaries') {
    record.updated_at = formatTimestamp(currentUpdatedAt);
  }
  if (withExtraFields) record = { ...record, ...extraFields(ctx, resource, index) };
  return withBigIds ? { id: record.id, ext_id: bigId(index), ...record } : record;
}

/** A 64-bit id beyond 2^53 (between 9e18 and 2^63 - 1 for any index the simulator accepts): a double cannot hold it. */
export function bigId(index: number): bigint {
  return 9_000_000_000_000_000_000n + BigInt(index) * 7919n;
}
