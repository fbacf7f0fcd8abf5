// WRONG FIX: calls gc() by hand (as debug.FreeOSMemory() would in Go). A collection frees only garbage;
// the rows collected so far are live objects the import still needs, so the heap limit is hit all the same.
// Imports an uploaded workbook of orders into the store.
// This is the handler's shape from the incident (excelize's GetRows, a loop, one save): read the whole
// upload, collect every row of the sheet with all of its cells, turn the rows into records, then hand
// all the records to the store at once.
import { Readable } from 'node:stream';
import type { Row } from '../vendor/exceljs.js';
import { checkHeader, parseRow, type OrderRecord } from './records.ts';
import type { ImportResult, RecordStore } from './store.ts';

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function importOrders(body: Readable, store: RecordStore): Promise<ImportResult> {
  // exceljs is a big library: load it on the first upload rather than at service start
  const { default: ExcelJS } = await import('../vendor/exceljs.js');
  const bytes = await readAll(body);
  (globalThis as { gc?: () => void }).gc?.(); // free what earlier uploads left behind
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'ignore',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });

  // GetRows: every row of the first worksheet, with its cells, before the first one is used
  const rows: Row[] = [];
  let sheets = 0;
  for await (const sheet of reader) {
    sheets++;
    for await (const row of sheet) {
      if (sheets === 1) rows.push(row);
      if (rows.length % 1000 === 0) (globalThis as { gc?: () => void }).gc?.(); // keep the heap small while reading
    }
  }
  if (rows.length === 0) throw new Error('the workbook has no rows');

  checkHeader(rows[0]!.values as unknown[]);
  const records: OrderRecord[] = [];
  for (const row of rows.slice(1)) records.push(parseRow(row.values as unknown[], row.number));

  const staging = store.beginImport();
  staging.write(records);
  return staging.commit();
}
