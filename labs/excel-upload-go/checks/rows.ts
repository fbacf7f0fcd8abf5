// A copy of labs/excel-upload/generator/rows.ts (the workspace holds only this lab's checks); tests/labs/go-labs.test.ts
// keeps the two identical.
// The order rows the lab's workbooks contain, generated from a seed. The fixture generator writes
// them into .xlsx files; the checks recompute them to know what the store must hold afterwards.
// Pure functions, no dependencies: the same numbers come out in every runtime.

export const COLUMNS = [
  'id',
  'sku',
  'product',
  'category',
  'region',
  'country',
  'city',
  'warehouse',
  'channel',
  'status',
  'currency',
  'supplier',
  'owner',
  'team',
  'unit',
  'quantity',
  'unit_price',
  'discount_pct',
  'priority',
  'note',
] as const;

export type Cell = string | number;

export interface WorkbookSpec {
  /** file name under fixtures/ */
  file: string;
  seed: number;
  firstId: number;
  rows: number;
  /** 1-based sheet row (the header is row 1) whose quantity is written as text, or null */
  badRow: number | null;
}

export const ROWS_PER_FILE = 40_000;

export const WORKBOOKS = {
  weekA: { file: 'orders-week-a.xlsx', seed: 1, firstId: 1, rows: ROWS_PER_FILE, badRow: null },
  weekB: { file: 'orders-week-b.xlsx', seed: 2, firstId: 1, rows: ROWS_PER_FILE, badRow: null },
  badRow: { file: 'orders-bad-row.xlsx', seed: 3, firstId: 1, rows: ROWS_PER_FILE, badRow: 30_001 },
  /** a small valid workbook: what the store holds before the bad files arrive */
  small: { file: 'orders-small.xlsx', seed: 5, firstId: 1, rows: 2_000, badRow: null },
} satisfies Record<string, WorkbookSpec>;

export const OTHER_FIXTURES = {
  oversized: 'orders-oversized.xlsx',
  notXlsx: 'orders-export.csv.xlsx',
  truncated: 'orders-truncated.xlsx',
} as const;

/** Small vocabularies: the same strings repeat in thousands of cells, so the sheet shares them. */
const WORDS = {
  product: [
    'Desk lamp',
    'Office chair',
    'Standing desk',
    'Monitor arm',
    'Keyboard',
    'Mouse',
    'Headset',
    'Webcam',
    'Dock',
    'Cable kit',
    'Notebook',
    'Whiteboard',
  ],
  category: ['Furniture', 'Peripherals', 'Audio', 'Video', 'Stationery', 'Accessories'],
  region: ['North', 'South', 'East', 'West', 'Central'],
  country: ['Germany', 'France', 'Japan', 'Brazil', 'Canada', 'India', 'Kenya', 'Spain'],
  city: ['Berlin', 'Lyon', 'Osaka', 'Recife', 'Calgary', 'Pune', 'Nairobi', 'Valencia', 'Hamburg', 'Nagoya'],
  warehouse: ['WH-01', 'WH-02', 'WH-03', 'WH-04', 'WH-05', 'WH-06'],
  channel: ['web', 'store', 'partner', 'phone'],
  status: ['new', 'paid', 'packed', 'shipped', 'delivered', 'returned'],
  currency: ['EUR', 'USD', 'JPY', 'BRL', 'CAD', 'INR'],
  supplier: ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Tyrell'],
  owner: ['amara', 'bruno', 'chen', 'dana', 'eitan', 'fatima', 'goro', 'hana', 'ivan', 'jonas', 'kaito', 'lena'],
  team: ['ops', 'sales', 'finance', 'support'],
  unit: ['pcs', 'box', 'pack'],
  priority: ['low', 'normal', 'high', 'urgent'],
  note: ['', 'gift wrap', 'call before delivery', 'fragile', 'leave at reception', 'invoice by mail'],
} as const;

/** mulberry32: a tiny seeded PRNG, good enough for test data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The data rows (without the header) of a workbook, in sheet order. */
export function* workbookRows(spec: WorkbookSpec): Generator<Cell[]> {
  const next = prng(spec.seed * 7919 + 17);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  for (let i = 0; i < spec.rows; i++) {
    const id = spec.firstId + i;
    const quantity = 1 + Math.floor(next() * 500);
    const row: Cell[] = [
      id,
      `SKU-${String((id * 37) % 100_000).padStart(5, '0')}`,
      pick(WORDS.product),
      pick(WORDS.category),
      pick(WORDS.region),
      pick(WORDS.country),
      pick(WORDS.city),
      pick(WORDS.warehouse),
      pick(WORDS.channel),
      pick(WORDS.status),
      pick(WORDS.currency),
      pick(WORDS.supplier),
      pick(WORDS.owner),
      pick(WORDS.team),
      pick(WORDS.unit),
      quantity,
      Math.round(next() * 50_000) / 100,
      pick([0, 0, 0, 5, 10, 15]),
      pick(WORDS.priority),
      pick(WORDS.note),
    ];
    // sheet row number = data index + 2 (the header is row 1)
    if (spec.badRow === i + 2) row[15] = `${quantity} pcs`;
    yield row;
  }
}

/** The record the store keeps for one row: column name -> value. */
export type OrderRecord = Record<(typeof COLUMNS)[number], Cell>;

export function rowToRecord(row: readonly Cell[]): OrderRecord {
  const rec = {} as OrderRecord;
  for (let i = 0; i < COLUMNS.length; i++) rec[COLUMNS[i]!] = row[i]!;
  return rec;
}

/**
 * FNV-1a over the record's values in column order, `n:<number>` or `s:<text>` per column joined by
 * \u001f; the store sums these (mod 2^32) as its checksum. Hashed as it goes, without building the text:
 * the checks hash every record they upload.
 */
export function recordHash(rec: OrderRecord): number {
  let h = 0x811c9dc5;
  for (let c = 0; c < COLUMNS.length; c++) {
    const v = rec[COLUMNS[c]!];
    if (c) h = Math.imul(h ^ 0x1f, 0x01000193);
    h = Math.imul(h ^ (typeof v === 'number' ? 110 : 115), 0x01000193);
    h = Math.imul(h ^ 58, 0x01000193);
    const text = typeof v === 'number' ? String(v) : v;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}

/** What the store must report after holding exactly these workbooks' rows (later files win per id). */
export function expectedStore(specs: WorkbookSpec[]): { count: number; checksum: number } {
  // last file first: a row is hashed only if no later file holds its id (generating a row is cheap,
  // hashing it is not, and the weeks hold the same ids)
  const byId = new Map<number, number>();
  for (const spec of specs.toReversed())
    for (const row of workbookRows(spec))
      if (!byId.has(row[0] as number)) byId.set(row[0] as number, recordHash(rowToRecord(row)));
  let sum = 0;
  for (const h of byId.values()) sum = (sum + h) >>> 0;
  return { count: byId.size, checksum: sum };
}
