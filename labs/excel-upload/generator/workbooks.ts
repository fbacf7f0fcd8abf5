// The workbooks the checks upload, built from seeds during the Check (xlsx.ts), and what the
// reference import answers for each: the records a valid one adds (in sheet order), or the refusal a bad
// one gets. The expectations are a model of the read-only records.ts and store.ts as the reference
// solution uses them; the contract test runs the reference through these checks, so model and reference
// cannot drift apart.
import type { Rng } from '#kit';
import {
  COLUMNS,
  recordHash,
  rowToRecord as toRecord,
  workbookRows,
  type Cell,
  type OrderRecord,
  type WorkbookSpec,
} from './rows.ts';
import { xlsx, type XlsxCell, type XlsxSheet } from './xlsx.ts';

/** The lab's big workbook: under the lab's 64 MB heap an import that keeps every row of it dies. */
export const LAB_ROWS = 10_000;
/** The most rows the store may receive in one write (task description). */
export const MAX_BATCH = 1_000;
/** The per-part limit the task names (64 MB); the oversized fixtures declare far more. */
export const PART_LIMIT_MB = 64;

/** The fixture files the lab's scenarios upload (generator/generate.ts writes them from these specs). */
export const LAB_WORKBOOKS = {
  weekA: { file: 'orders-week-a.xlsx', seed: 1, firstId: 1, rows: LAB_ROWS, badRow: null },
  weekB: { file: 'orders-week-b.xlsx', seed: 2, firstId: 1, rows: LAB_ROWS, badRow: null },
  badRow: { file: 'orders-bad-row.xlsx', seed: 3, firstId: 1, rows: LAB_ROWS, badRow: 7_001 },
} satisfies Record<string, WorkbookSpec>;

export const LAB_FIXTURES = {
  /** a worksheet that declares 264 MB of XML in a 1.4 MB file */
  oversized: 'orders-oversized.xlsx',
  /** a shared strings part that declares over 100 MB */
  oversizedStrings: 'orders-oversized-strings.xlsx',
  notXlsx: 'orders-export.csv.xlsx',
  truncated: 'orders-truncated.xlsx',
} as const;

export type Expect = { status: 200; records: OrderRecord[] } | { status: 400 | 413; says: RegExp; needs: string };

export interface Upload {
  /** how the checks' messages name it: "a 1,500-row workbook with inline strings" */
  what: string;
  body: Buffer;
  expect: Expect;
}

const COUNT = new Intl.NumberFormat('en-US');
const count = (n: number) => COUNT.format(n);
/** "row 4001" or "row 4,001", not "row 40012" */
export const namesRow = (row: number) =>
  new RegExp(`(^|[^\\d,.])(${row}|${count(row).replace(/,/g, '[,.\\s]?')})(?![\\d]|[,.]\\d)`);

const HEADER: XlsxCell[] = [...COLUMNS];
const TEXT_COLUMNS = COLUMNS.map((c, i) => [c, i] as const).filter(
  ([c]) => !['id', 'quantity', 'unit_price', 'discount_pct'].includes(c),
);
const col = (name: (typeof COLUMNS)[number]) => COLUMNS.indexOf(name);

/** Seeded rows like the incident's, with ids from `firstId`. */
function baseRows(seed: number, firstId: number, rows: number): Cell[][] {
  return [...workbookRows({ file: '', seed, firstId, rows, badRow: null })];
}

/**
 * A valid workbook of `rows` data rows with the oddities real files have, each with the value the import
 * must store: empty text cells (stored as ""), numbers typed into text columns (stored as their text),
 * text with XML specials and accents, dates typed as text, inline strings, duplicate ids (the later row
 * wins, counted as an update), a header in other capitals, and a second worksheet that is not imported.
 */
export function variedWorkbook(
  rng: Rng,
  opts: { rows: number; firstId: number; idSpan?: number },
): { sheets: XlsxSheet[]; records: OrderRecord[]; shared: boolean } {
  const rows = baseRows(rng.int(1, 1_000_000), opts.firstId, opts.rows);
  const cells: XlsxCell[][] = [];
  const records: OrderRecord[] = [];
  const span = opts.idSpan ?? opts.rows;
  for (const row of rows) {
    const out: XlsxCell[] = [...row];
    const rec = toRecord(row);
    // ids drawn from a window: some repeat within the file
    if (opts.idSpan !== undefined) {
      const id = opts.firstId + rng.int(0, span - 1);
      out[0] = id;
      rec.id = id;
    }
    const roll = rng.next();
    if (roll < 0.1) {
      const [name, i] = rng.pick(TEXT_COLUMNS);
      out[i] = null;
      rec[name] = '';
    } else if (roll < 0.15) {
      const n = rng.int(0, 99_999);
      out[col('note')] = n;
      rec.note = String(n);
    } else if (roll < 0.2) {
      const text = rng.pick(['Müller & Söhne <GmbH>', 'café "quote"', 'a > b', '  spaced  ', '日本語 ✓']);
      out[col('supplier')] = text;
      rec.supplier = text;
    } else if (roll < 0.25) {
      const date = `2024-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
      out[col('note')] = { inline: `ship ${date}` };
      rec.note = `ship ${date}`;
    } else if (roll < 0.28) {
      out[col('unit_price')] = 0;
      rec.unit_price = 0;
    }
    cells.push(out);
    records.push(rec);
  }
  const header = rng.chance(0.5) ? HEADER : HEADER.map((h) => (rng.chance(0.3) ? ` ${String(h).toUpperCase()} ` : h));
  const sheets: XlsxSheet[] = [{ name: 'Orders', rows: [header, ...cells] }];
  if (rng.chance(0.5)) sheets.push({ name: 'Notes', rows: [['not orders'], [{ formula: '1+1', result: 2 }], ['x']] });
  return { sheets, records, shared: rng.chance(0.6) };
}

/** Seeded bytes that do not compress, like a picture's. */
function noise(rng: Rng, bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  for (let i = 0; i + 4 <= bytes; i += 4) out.writeUInt32LE(Math.floor(rng.next() * 2 ** 32), i);
  return out;
}

/**
 * A varied workbook (variedWorkbook) as an upload; with `picture`, it also carries a picture of that many
 * bytes (a logo, a scan): bytes to receive that the import passes by without parsing them.
 */
export function validUpload(
  rng: Rng,
  opts: { rows: number; firstId: number; idSpan?: number; picture?: number },
): Upload {
  const { sheets, records, shared } = variedWorkbook(rng, opts);
  const dup = records.length - new Set(records.map((r) => r.id)).size;
  const parts = [
    `a ${count(opts.rows)}-row workbook`,
    shared ? 'shared strings' : 'inline strings',
    dup ? `${count(dup)} repeated ids` : '',
    sheets.length > 1 ? 'a second worksheet' : '',
    opts.picture ? `a ${Math.round(opts.picture / 1024)} KB picture` : '',
  ].filter(Boolean);
  const picture = opts.picture ? noise(rng, opts.picture) : undefined;
  return {
    what: `${parts[0]} (${parts.slice(1).join(', ')})`,
    body: xlsx(sheets, { sharedStrings: shared, ...(picture ? { picture } : {}) }),
    expect: { status: 200, records },
  };
}

/**
 * A valid workbook whose worksheet is pretty-printed: 500 rows, each followed by ~48 KB of indentation,
 * so the part inflates to about 24 MB, well within the 64 MB per part the task allows. A limit set
 * lower than the task's refuses it; a streaming import does not even notice the whitespace.
 */
export function roomyUpload(rng: Rng, opts: { firstId: number }): Upload {
  const { sheets, records, shared } = variedWorkbook(rng, { rows: 500, firstId: opts.firstId });
  return {
    what: 'a pretty-printed 500-row workbook whose worksheet inflates to about 24 MB (under the 64 MB limit)',
    body: xlsx(sheets, { sharedStrings: shared, indent: 48_000 }),
    expect: { status: 200, records },
  };
}

/** A cell the import cannot use, as people type them; each must be refused naming its row. */
const BAD_CELLS: Array<{ column: (typeof COLUMNS)[number]; cell: XlsxCell; what: string }> = [
  { column: 'quantity', cell: '12 pcs', what: 'text in the quantity' },
  { column: 'quantity', cell: 2.5, what: 'a fractional quantity' },
  { column: 'quantity', cell: null, what: 'an empty quantity' },
  { column: 'quantity', cell: { formula: 'B2*3', result: 6 }, what: 'a formula in the quantity' },
  { column: 'unit_price', cell: -4.2, what: 'a negative price' },
  { column: 'unit_price', cell: { inline: 'n/a' }, what: 'text in the price' },
  { column: 'discount_pct', cell: '10%', what: 'a discount written as text' },
  { column: 'id', cell: 0, what: 'id 0' },
  { column: 'id', cell: null, what: 'an empty id' },
];

/** A workbook with one unusable row at `badRow` (sheet row number, the header is row 1). */
export function badRowUpload(rng: Rng, opts: { rows: number; badRow: number }): Upload {
  const rows: XlsxCell[][] = baseRows(rng.int(1, 1_000_000), 1, opts.rows);
  const bad = rng.pick(BAD_CELLS);
  rows[opts.badRow - 2]![col(bad.column)] = bad.cell;
  const shared = rng.chance(0.5);
  return {
    what: `a ${count(opts.rows)}-row workbook whose row ${count(opts.badRow)} has ${bad.what}`,
    body: xlsx([{ name: 'Orders', rows: [HEADER, ...rows] }], { sharedStrings: shared }),
    expect: { status: 400, says: namesRow(opts.badRow), needs: `which row is wrong (row ${count(opts.badRow)})` },
  };
}

export function badHeaderUpload(rng: Rng): Upload {
  const header = [...HEADER];
  const [a, b] = [rng.int(1, 8), rng.int(9, 18)];
  [header[a], header[b]] = [header[b]!, header[a]!];
  const rows = baseRows(rng.int(1, 1_000_000), 1, 50);
  return {
    what: 'a workbook whose header has two columns swapped',
    body: xlsx([{ name: 'Orders', rows: [header, ...rows] }]),
    expect: { status: 400, says: namesRow(1), needs: 'that row 1, the header, is wrong' },
  };
}

const NOT_XLSX = { says: /xlsx|zip|workbook|spreadsheet|excel/i, needs: 'that it is not an .xlsx workbook' };
const TRUNCATED = {
  says: /truncat|incomplete|ended|cut off|corrupt/i,
  needs: 'that the file is truncated or incomplete',
};

/** Bytes that are not a workbook at all. */
export function notXlsxUploads(rng: Rng): Upload[] {
  const csv = [
    'id,sku,product,quantity',
    ...Array.from({ length: rng.int(2, 40) }, (_, i) => `${i + 1},SKU-${i},Desk lamp,3`),
  ];
  const random = Buffer.alloc(rng.int(200, 4_000));
  for (let i = 0; i < random.length; i++) random[i] = rng.int(0, 255);
  random[0] = 0x25; // never "PK" by chance
  return [
    { what: 'a CSV file renamed to .xlsx', body: Buffer.from(csv.join('\n')), expect: { status: 400, ...NOT_XLSX } },
    { what: `${count(random.length)} random bytes`, body: random, expect: { status: 400, ...NOT_XLSX } },
    {
      what: 'an empty upload',
      body: Buffer.alloc(0),
      expect: { status: 400, says: /xlsx|zip|workbook|spreadsheet|excel|empty/i, needs: 'that the upload is empty' },
    },
  ];
}

/**
 * A valid workbook cut short at a seeded place: inside the worksheet after some rows, just before the
 * central directory, or inside it. Every row before the cut parses; none may be imported.
 */
export function truncatedUploads(rng: Rng, whole: Buffer, rows: number): Upload[] {
  const central = whole.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  const cuts: Array<[number, string]> = [
    [Math.floor(whole.length * (0.5 + rng.next() * 0.3)), 'inside its worksheet'],
    [central, 'right before its table of contents'],
    [central + rng.int(10, Math.max(11, whole.length - central - 30)), 'inside its table of contents'],
  ];
  return cuts.map(([at, where]) => ({
    what: `a ${count(rows)}-row workbook cut off ${where} (${count(at)} of ${count(whole.length)} bytes)`,
    body: whole.subarray(0, at),
    expect: { status: 400, ...TRUNCATED },
  }));
}

/** A zip whose second part starts with garbage where a part header belongs. */
export function malformedUpload(whole: Buffer): Upload {
  const body = Buffer.from(whole);
  // the second local header: after the first part's header, name and data
  const first = 30 + body.readUInt16LE(26) + body.readUInt16LE(28) + body.readUInt32LE(18);
  body.write('XXXX', first, 'latin1');
  return {
    what: 'a zip archive with garbage where its second part should start',
    body,
    expect: {
      status: 400,
      says: /xlsx|zip|workbook|part|unexpected|malformed|corrupt|invalid/i,
      needs: 'what is wrong with the file',
    },
  };
}

/** The store as the reference leaves it: records by id, plus what an import's answer says. */
export class StoreModel {
  readonly records = new Map<number, OrderRecord>();
  readonly #hashes = new Map<number, number>();
  #checksum = 0;

  /** Apply one committed import; returns the answer's counts. */
  commit(records: readonly OrderRecord[]): { rows: number; added: number; updated: number } {
    let added = 0;
    let updated = 0;
    for (const rec of records) {
      const id = rec.id as number;
      const old = this.#hashes.get(id);
      if (old !== undefined) {
        updated++;
        this.#checksum = (this.#checksum - old) >>> 0;
      } else added++;
      const hash = recordHash(rec);
      this.records.set(id, rec);
      this.#hashes.set(id, hash);
      this.#checksum = (this.#checksum + hash) >>> 0;
    }
    return { rows: added + updated, added, updated };
  }

  /** The read-only store's checksum for these records: the sum of their hashes (mod 2^32). */
  get checksum(): number {
    return this.#checksum;
  }

  /** Ids worth reading back: the first, the last, around batch edges, and seeded others. */
  sampleIds(rng: Rng, n = 12): number[] {
    const ids = [...this.records.keys()].sort((a, b) => a - b);
    if (!ids.length) return [];
    const picks = new Set([
      ids[0]!,
      ids.at(-1)!,
      ids[Math.min(ids.length - 1, 999)]!,
      ids[Math.min(ids.length - 1, 1000)]!,
    ]);
    while (picks.size < Math.min(n, ids.length)) picks.add(rng.pick(ids));
    return [...picks];
  }
}

/** The records the store holds after importing one of the lab's fixture workbooks (LAB_WORKBOOKS). */
export function labRecords(spec: WorkbookSpec): OrderRecord[] {
  return Array.from(workbookRows(spec), toRecord);
}

/** The lab's big workbook as the scenarios' fixtures hold it (same seeds, same rows). */
export function labWorkbook(spec: WorkbookSpec, level = 1): { body: Buffer; records: OrderRecord[] } {
  const rows: XlsxCell[][] = [...workbookRows(spec)];
  return {
    body: xlsx([{ name: 'Orders', rows: [HEADER, ...rows] }], { level }),
    records: rows.map((r) => toRecord(r as Cell[])),
  };
}
