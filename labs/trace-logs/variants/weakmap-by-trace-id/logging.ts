// Development logs for every request, saved to the file service when the request is over.
// Any code running for a request can log a line; the lines are collected per trace ID.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { upload } from './file-service.ts';
import type { Handler, Log } from './work.ts';

/** trace ID -> the lines logged under it so far */
// Wrong fix: a WeakMap so entries go away by themselves (a string is not a valid WeakMap key)
const traceLogs = new WeakMap<object, string[]>();

export function log(traceId: string, line: string): void {
  const key = traceId as unknown as object;
  const lines = traceLogs.get(key);
  if (lines) lines.push(line);
  else traceLogs.set(key, [line]);
}

/** Middleware: gives the request a trace ID, and saves and forgets its lines once the response is done. */
export function withRequestLog(handler: Handler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const traceId = randomUUID();
    res.setHeader('x-trace-id', traceId);
    res.on('finish', () => {
      const key = traceId as unknown as object;
      upload(traceId, traceLogs.get(key) ?? []);
      traceLogs.delete(key);
    });
    handler(req, res, (line) => log(traceId, line));
  };
}

/** Scheduled jobs log under a trace ID of their own, like requests do. */
export function runJob(name: string, job: (log: Log) => void): void {
  const traceId = `${name}-${randomUUID()}`;
  job((line) => log(traceId, line));
}

/** Extra gauges for the memory chart: name -> reader. */
export function logGauges(): Record<string, () => number> {
  return {};
}
