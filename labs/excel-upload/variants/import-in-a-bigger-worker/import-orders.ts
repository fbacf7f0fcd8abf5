// WRONG FIX: runs the eager import in a worker thread and asks for a 1 GB heap for it. A process started
// with --max-old-space-size gives its workers that same limit (measured on Node 22: heap_size_limit 176 MB
// under --max-old-space-size=128, not 1,072), so the import still dies; where the request is honoured, the
// process's resident memory (every isolate together) passes the container's limit, which a real container
// answers with an OOM kill.
import type { Readable } from 'node:stream';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { checkHeader, parseRow, type OrderRecord } from './records.ts';
import type { ImportResult, RecordStore } from './store.ts';

async function parseInWorker(bytes: Buffer): Promise<OrderRecord[]> {
  // exceljs is a big library: load it on the first upload rather than at service start
  const { default: ExcelJS } = await import('../vendor/exceljs.js');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer); // exceljs types predate Buffer<ArrayBufferLike>
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('the workbook has no worksheet');
  const records: OrderRecord[] = [];
  sheet.eachRow((row, rowNumber) => {
    const values = row.values as unknown[];
    if (rowNumber === 1) checkHeader(values);
    else records.push(parseRow(values, rowNumber));
  });
  return records;
}

if (!isMainThread && workerData?.bytes) {
  parseInWorker(Buffer.from(workerData.bytes as Uint8Array)).then(
    (records) => parentPort!.postMessage({ records }),
    (err: Error) => parentPort!.postMessage({ error: err.message }),
  );
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function importOrders(body: Readable, store: RecordStore): Promise<ImportResult> {
  const bytes = await readAll(body);
  const records = await new Promise<OrderRecord[]>((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { bytes },
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    worker.once('message', (m: { records?: OrderRecord[]; error?: string }) => {
      void worker.terminate();
      if (m.records) resolve(m.records);
      else reject(new Error(m.error));
    });
    worker.once('error', reject);
  });
  const staging = store.beginImport();
  for (let i = 0; i < records.length; i += 1000) staging.write(records.slice(i, i + 1000));
  return staging.commit();
}
