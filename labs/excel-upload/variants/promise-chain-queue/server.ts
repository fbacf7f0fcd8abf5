// RIGHT FIX: serialises imports on a promise chain: each upload waits for the one before it to settle. A waiting
// upload is not read (TCP backpressure holds its bytes), so memory stays that of one import.
// The back office's order service: POST /upload takes an .xlsx of orders and adds or updates them;
// GET /records/count and GET /records/<id> read the store.
import http from 'node:http';
import { defineService } from '#kit';
import { watchContainer } from './container.ts';
import { importOrders, TooLargeError } from './import-orders.ts';
import { BadRowError } from './records.ts';
import { RecordStore } from './store.ts';
import { UploadFormatError } from './zip-entries.ts';

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function statusFor(err: unknown): number {
  if (err instanceof TooLargeError) return 413;
  if (err instanceof BadRowError || err instanceof UploadFormatError) return 400;
  return 500;
}

export default defineService(async (ctx) => {
  await watchContainer(ctx);
  const store = new RecordStore(ctx);
  // the import that runs now, or the last one queued: each upload waits for the one before it
  let last: Promise<unknown> = Promise.resolve();

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/upload') {
      const before = last;
      let release!: () => void;
      last = new Promise<void>((resolve) => (release = resolve));
      await before;
      try {
        const result = await importOrders(req, store);
        send(res, 200, result);
      } catch (err) {
        const status = statusFor(err);
        if (status === 500) console.error('upload failed:', err);
        const message = status === 500 ? 'the import failed' : (err as Error).message;
        send(res, status, { error: message });
      } finally {
        release();
      }
      return;
    }
    if (req.method === 'GET' && url.pathname === '/records/count') return send(res, 200, { count: store.size });
    const one = /^\/records\/(\d+)$/.exec(url.pathname);
    if (req.method === 'GET' && one) {
      const rec = store.get(Number(one[1]));
      return rec ? send(res, 200, rec) : send(res, 404, { error: `no record ${one[1]}` });
    }
    send(res, 404, { error: 'not found' });
  });
  return { server };
});
