// Imports an uploaded workbook of orders into the store, as a stream: rows are parsed while the upload
// is still arriving and written to the store 1,000 at a time, so memory is bounded by one batch plus the
// shared strings, not by the size of the file. Nothing becomes visible until the whole file checked out.
import type { Readable } from 'node:stream';
import { checkHeader, parseRow, type OrderRecord } from './records.ts';
import type { ImportResult, RecordStore, Staging } from './store.ts';
import { watchZipEntries } from './zip-entries.ts';

/** No part of an accepted workbook may inflate beyond this (a 10,000-row sheet is about 6 MB). */
export const MAX_PART_BYTES = 64 * 1024 * 1024;
export const BATCH_ROWS = 1000;

/** The upload cannot fit within the service's limits; answered with 413. */
export class TooLargeError extends Error {
  override name = 'TooLargeError';
}

export async function importOrders(body: Readable, store: RecordStore): Promise<ImportResult> {
  const upload = watchZipEntries(body, (entry) => {
    if (entry.uncompressedSize > MAX_PART_BYTES)
      throw new TooLargeError(
        `"${entry.name}" would inflate to ${Math.round(entry.uncompressedSize / 2 ** 20)} MB; the limit is 64 MB per part of a workbook`,
      );
  });
  // Commit batch by batch, so the store never holds more than one batch staged.
  const total: ImportResult = { rows: 0, added: 0, updated: 0 };
  let staging = store.beginImport();
  const batches: Staging = {
    write: (batch) => {
      staging.write(batch);
      const r = staging.commit();
      total.rows += r.rows;
      total.added += r.added;
      total.updated += r.updated;
      staging = store.beginImport();
    },
    commit: () => total,
    abort: () => staging.abort(),
  };
  try {
    // Both must succeed: every row parsed, and the archive complete and within the limits.
    await Promise.all([readRows(upload.stream, batches), upload.complete]);
    staging.abort(); // the last, empty one
    return total;
  } catch (err) {
    staging.abort();
    // Read the rest of a refused upload into nowhere, so the client gets its answer instead of a reset.
    body.unpipe();
    body.resume();
    throw err;
  }
}

async function readRows(stream: Readable, staging: Staging): Promise<void> {
  // exceljs is a big library: load it on the first upload rather than at service start
  const { default: ExcelJS } = await import('../vendor/exceljs.js');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'emit',
    sharedStrings: 'cache', // the shared strings table is small; rows refer to it by index
    styles: 'ignore',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let sheets = 0;
  let batch: OrderRecord[] = [];
  for await (const sheet of reader) {
    sheets++;
    for await (const row of sheet) {
      // only the first worksheet holds orders; later ones are read past, not imported
      if (sheets > 1) continue;
      const values = row.values as unknown[];
      if (row.number === 1) {
        checkHeader(values);
        continue;
      }
      batch.push(parseRow(values, row.number));
      if (batch.length === BATCH_ROWS) {
        staging.write(batch);
        batch = [];
      }
    }
  }
  if (sheets === 0) throw new Error('the workbook has no worksheet');
  if (batch.length > 0) staging.write(batch);
}
