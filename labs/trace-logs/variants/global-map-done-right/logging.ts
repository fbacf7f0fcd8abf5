// Development logs for every request, saved to the file service when the request is over.
// Any code running for a request can log a line; the lines are collected per trace ID.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { upload } from './file-service.ts';
import type { Handler, Log } from './work.ts';

/** trace ID -> the lines logged under it so far */
const traceLogs = new Map<string, string[]>();

/** A line for a trace that is already saved goes out on its own, under the same trace ID. */
function logger(traceId: string): { log: Log; save(): void } {
  let saved = false;
  traceLogs.set(traceId, []);
  return {
    log: (line) => (saved ? upload(traceId, [line]) : traceLogs.get(traceId)!.push(line)),
    save() {
      if (saved) return;
      saved = true;
      const lines = traceLogs.get(traceId)!;
      traceLogs.delete(traceId);
      if (lines.length > 0) upload(traceId, lines);
    },
  };
}

/** Middleware: gives the request a trace ID, and saves and forgets its lines once the response is done. */
export function withRequestLog(handler: Handler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const traceId = randomUUID();
    res.setHeader('x-trace-id', traceId);
    const l = logger(traceId);
    res.on('close', () => l.save()); // after 'finish', and for clients that went away
    handler(req, res, l.log);
  };
}

/** Scheduled jobs log under a trace ID of their own, like requests do. */
export function runJob(name: string, job: (log: Log) => void): void {
  const l = logger(`${name}-${randomUUID()}`);
  try {
    job(l.log);
  } finally {
    l.save();
  }
}

/** Extra gauges for the memory chart: name -> reader. */
export function logGauges(): Record<string, () => number> {
  return { 'trace map entries': () => traceLogs.size };
}
