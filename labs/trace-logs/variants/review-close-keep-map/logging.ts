// Development logs for every request, saved to the file service when the request is over.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { upload } from './file-service.ts';
import type { Handler, Log } from './work.ts';

/** trace ID -> the lines logged under it so far */
const traceLogs = new Map<string, string[]>();

export function log(traceId: string, line: string): void {
  const lines = traceLogs.get(traceId);
  if (lines) lines.push(line);
  else traceLogs.set(traceId, [line]);
}

function save(traceId: string): void {
  const lines = traceLogs.get(traceId);
  traceLogs.delete(traceId);
  if (lines && lines.length > 0) upload(traceId, lines);
}

/** Middleware: gives the request a trace ID, and saves and forgets its lines once the response is over. */
export function withRequestLog(handler: Handler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const traceId = randomUUID();
    res.setHeader('x-trace-id', traceId);
    // 'close' also fires for clients that disconnect
    res.on('close', () => save(traceId));
    handler(req, res, (line) => log(traceId, line));
  };
}

/** Scheduled jobs log under a trace ID of their own, like requests do. */
export function runJob(name: string, job: (log: Log) => void): void {
  const traceId = `${name}-${randomUUID()}`;
  try {
    job((line) => log(traceId, line));
  } finally {
    save(traceId);
  }
}

/** Extra gauges for the memory chart: name -> reader. */
export function logGauges(): Record<string, () => number> {
  return { 'trace map entries': () => traceLogs.size };
}
