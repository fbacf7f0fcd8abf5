// Turning a worksheet row into an order record. Read-only: the import code (yours) calls these.
// Both of exceljs's readers hand rows over as `row.values`: index 1 is column A, index 0 is empty.

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

export type Column = (typeof COLUMNS)[number];
export type OrderRecord = Record<Column, string | number>;

const NUMBERS = new Set<Column>(['id', 'quantity', 'unit_price', 'discount_pct']);
const WHOLE = new Set<Column>(['id', 'quantity', 'discount_pct']);

/** A row the import cannot use. The message names the row and the cell, for the person who uploaded it. */
export class BadRowError extends Error {
  override name = 'BadRowError';
  readonly row: number;
  constructor(row: number, message: string) {
    super(`row ${row}: ${message}`);
    this.row = row;
  }
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && 'richText' in v)
    return (v as { richText: Array<{ text: string }> }).richText.map((r) => r.text).join('');
  if (typeof v === 'object' && 'text' in v) return String((v as { text: unknown }).text);
  return String(v);
}

/** Row 1 must name the columns, in order. */
export function checkHeader(values: readonly unknown[]): void {
  const names = COLUMNS.map((_, i) =>
    cellText(values[i + 1])
      .trim()
      .toLowerCase(),
  );
  const wrong = COLUMNS.findIndex((c, i) => names[i] !== c);
  if (wrong >= 0)
    throw new BadRowError(1, `expected the header "${COLUMNS[wrong]}" in column ${wrong + 1}, found "${names[wrong]}"`);
}

/** One data row -> record. Throws BadRowError when a cell cannot be used. */
export function parseRow(values: readonly unknown[], rowNumber: number): OrderRecord {
  const rec = {} as OrderRecord;
  for (let i = 0; i < COLUMNS.length; i++) {
    const col = COLUMNS[i]!;
    const raw = values[i + 1];
    if (NUMBERS.has(col)) {
      const n = typeof raw === 'number' ? raw : Number.NaN;
      if (!Number.isFinite(n) || n < 0 || (WHOLE.has(col) && !Number.isInteger(n)))
        throw new BadRowError(
          rowNumber,
          `${col} must be a ${WHOLE.has(col) ? 'whole ' : ''}number, found ${JSON.stringify(cellText(raw))}`,
        );
      rec[col] = n;
    } else {
      rec[col] = cellText(raw);
    }
  }
  if (rec.id === 0) throw new BadRowError(rowNumber, 'id must not be 0');
  return rec;
}
