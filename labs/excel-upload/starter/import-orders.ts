// Imports an uploaded workbook of orders into the store.
// This is the handler's shape from the incident: read the whole upload, let the spreadsheet library
// build the whole workbook in memory, turn every row into a record, then hand them all to the store.
import type { Readable } from 'node:stream';
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
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('the workbook has no worksheet');

  const records: OrderRecord[] = [];
  sheet.eachRow((row, rowNumber) => {
    const values = row.values as unknown[];
    if (rowNumber === 1) checkHeader(values);
    else records.push(parseRow(values, rowNumber));
  });

  const staging = store.beginImport();
  staging.write(records);
  return staging.commit();
}
