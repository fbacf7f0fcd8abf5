// Development logs for every request, saved to the file service when the request is over.
// Each request and job run runs inside its own AsyncLocalStorage store: whatever code runs for it, now or
// later, finds its log there, and nothing global indexes the logs. Listeners on the response run in the
// socket's context, not the request's, so the log function handed to the handler is bound to the store.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { upload } from './file-service.ts';
import type { Handler, Log } from './work.ts';

interface Store {
  traceId: string;
  lines: string[] | null; // null once uploaded: later lines go out at once
}

const als = new AsyncLocalStorage<Store>();
let open = 0;

function write(line: string): void {
  const store = als.getStore();
  if (!store) throw new Error(`a line was logged outside any request or job: ${line}`);
  if (store.lines) store.lines.push(line);
  else upload(store.traceId, [line]);
}

function end(store: Store): void {
  if (!store.lines) return;
  const lines = store.lines;
  store.lines = null;
  open--;
  if (lines.length > 0) upload(store.traceId, lines);
}

export function withRequestLog(handler: Handler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const store: Store = { traceId: randomUUID(), lines: [] };
    open++;
    res.setHeader('x-trace-id', store.traceId);
    res.on('close', () => end(store));
    als.run(store, () => handler(req, res, AsyncResource.bind(write)));
  };
}

export function runJob(name: string, job: (log: Log) => void): void {
  const store: Store = { traceId: `${name}-${randomUUID()}`, lines: [] };
  open++;
  als.run(store, () => {
    try {
      job(write);
    } finally {
      end(store);
    }
  });
}

export function logGauges(): Record<string, () => number> {
  return { 'open request logs': () => open };
}
