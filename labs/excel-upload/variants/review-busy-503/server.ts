// The back office's order service: POST /upload takes an .xlsx of orders and adds or updates them;
// GET /records/count and GET /records/<id> read the store.
// One import at a time and no queue: while one runs, other uploads are told to come back (503).
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
  let busy = false;

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/upload') {
      if (busy) {
        req.resume();
        return send(res, 503, { error: 'an import is running; try again shortly' }, { 'retry-after': '1' });
      }
      busy = true;
      try {
        send(res, 200, await importOrders(req, store));
      } catch (err) {
        const status = statusFor(err);
        if (status === 500) console.error('upload failed:', err);
        send(res, status, { error: status === 500 ? 'the import failed' : (err as Error).message });
      } finally {
        busy = false;
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
