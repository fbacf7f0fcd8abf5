// Development logs for every request, saved to the file service when the request is over.
// The lines of a request hang off its response object (a WeakMap key), so they can live no longer than
// the response does; a job run keeps its lines in a local array.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { upload } from './file-service.ts';
import type { Handler, Log } from './work.ts';

interface Pending {
  traceId: string;
  lines: string[];
  uploaded: boolean;
}

const byResponse = new WeakMap<ServerResponse, Pending>();

function flush(p: Pending): void {
  if (p.uploaded) return;
  p.uploaded = true;
  if (p.lines.length > 0) upload(p.traceId, p.lines);
  p.lines = [];
}

export function withRequestLog(handler: Handler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const p: Pending = { traceId: randomUUID(), lines: [], uploaded: false };
    byResponse.set(res, p);
    res.setHeader('x-trace-id', p.traceId);
    res.on('finish', () => flush(p));
    res.on('close', () => flush(p)); // a client that went away: no 'finish'
    handler(req, res, (line) => {
      const pending = byResponse.get(res)!;
      if (pending.uploaded) upload(pending.traceId, [line]);
      else pending.lines.push(line);
    });
  };
}

export function runJob(name: string, job: (log: Log) => void): void {
  const p: Pending = { traceId: `${name}-${randomUUID()}`, lines: [], uploaded: false };
  try {
    job((line) => (p.uploaded ? upload(p.traceId, [line]) : p.lines.push(line)));
  } finally {
    flush(p);
  }
}

export function logGauges(): Record<string, () => number> {
  return {};
}
