// Development logs for every request, saved to the file service when the request is over.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { upload } from './file-service.ts';
import type { Handler, Log } from './work.ts';

/** trace ID -> lines of a request or job run that is still open. An entry leaves the moment it ends. */
const open = new Map<string, string[]>();

/** A log function for one trace: buffers while the trace is open, uploads at once after it ended. */
function openTrace(traceId: string): { log: Log; end: () => void } {
  let ended = false;
  open.set(traceId, []);
  return {
    log: (line) => {
      if (ended) upload(traceId, [line]);
      else open.get(traceId)!.push(line);
    },
    end: () => {
      if (ended) return;
      ended = true;
      const lines = open.get(traceId)!;
      open.delete(traceId);
      if (lines.length > 0) upload(traceId, lines);
    },
  };
}

/** Middleware: gives the request a trace ID; its lines are uploaded once the response is over. */
export function withRequestLog(handler: Handler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const traceId = randomUUID();
    const trace = openTrace(traceId);
    res.setHeader('x-trace-id', traceId);
    res.on('close', trace.end);
    try {
      handler(req, res, trace.log);
    } catch (err) {
      trace.end();
      throw err;
    }
  };
}

/** Scheduled jobs log under a trace ID of their own, uploaded however the run ends. */
export function runJob(name: string, job: (log: Log) => void): void {
  const trace = openTrace(`${name}-${randomUUID()}`);
  try {
    job(trace.log);
  } finally {
    trace.end();
  }
}

/** Extra gauges for the memory chart: name -> reader. */
export function logGauges(): Record<string, () => number> {
  return { 'open trace logs': () => open.size };
}
