// The back office's order service: POST /upload takes an .xlsx of orders and adds or updates them;
// GET /records/count and GET /records/<id> read the store.
import http from 'node:http';
import { defineService } from '#kit';
import { watchContainer } from './container.ts';
import { importOrders, TooLargeError } from './import-orders.ts';
import { BadRowError } from './records.ts';
import { RecordStore } from './store.ts';
import { UploadFormatError } from './zip-entries.ts';

/** One import at a time: each one's memory is bounded, and so is their number. */
const MAX_RUNNING = 1;
/** Uploads that may wait for their turn; more than that are told to come back later. */
const MAX_WAITING = 4;

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A tiny semaphore: acquire() resolves when a slot is free, or returns null when the queue is full. */
function limiter(max: number, maxWaiting: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return {
    acquire(): Promise<() => void> | null {
      const release = () => {
        running--;
        const next = waiting.shift();
        if (next) {
          running++;
          next();
        }
      };
      if (running < max) {
        running++;
        return Promise.resolve(release);
      }
      if (waiting.length >= maxWaiting) return null;
      return new Promise((resolve) => waiting.push(() => resolve(release)));
    },
  };
}

function statusFor(err: unknown): number {
  if (err instanceof TooLargeError) return 413;
  if (err instanceof BadRowError || err instanceof UploadFormatError) return 400;
  return 500;
}

export default defineService(async (ctx) => {
  await watchContainer(ctx);
  const store = new RecordStore(ctx);
  const imports = limiter(MAX_RUNNING, MAX_WAITING);

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/upload') {
      const turn = imports.acquire();
      if (!turn) {
        req.resume();
        return send(res, 429, { error: 'too many uploads in progress; try again shortly' }, { 'retry-after': '2' });
      }
      const release = await turn;
      res.once('finish', release); // the turn is over once the answer went out
      try {
        const result = await importOrders(req, store);
        send(res, 200, result);
      } catch (err) {
        const status = statusFor(err);
        if (status === 500) console.error('upload failed:', err);
        const message = status === 500 ? 'the import failed' : (err as Error).message;
        send(res, status, { error: message });
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
