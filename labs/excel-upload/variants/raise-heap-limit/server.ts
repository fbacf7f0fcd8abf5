// WRONG FIX: raises the heap limit from inside the process. V8 sizes its heap when the process starts, so
// the flag changes nothing here; and where a bigger limit does take effect, the container's memory limit
// still applies to the whole process. The import holds every row of the workbook at once.
// The back office's order service: POST /upload takes an .xlsx of orders and adds or updates them;
// GET /records/count and GET /records/<id> read the store.
import http from 'node:http';
import v8 from 'node:v8';
import { defineService } from '#kit';
import { watchContainer } from './container.ts';
import { importOrders } from './import-orders.ts';
import { RecordStore } from './store.ts';

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

// Give the import room: a bigger heap.
v8.setFlagsFromString('--max-old-space-size=1024');

export default defineService(async (ctx) => {
  await watchContainer(ctx);
  const store = new RecordStore(ctx);

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/upload') {
      try {
        const result = await importOrders(req, store);
        send(res, 200, result);
      } catch (err) {
        console.error('upload failed:', err);
        send(res, 500, { error: 'the import failed' });
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
