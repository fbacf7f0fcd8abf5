// Development logs for every request, sent to the file service as they are written.
// No buffering at all: each line is uploaded at once under its request's (or job run's) trace ID, so
// there is nothing to clean up when a request ends, however it ends.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { upload } from './file-service.ts';
import type { Handler, Log } from './work.ts';

export function withRequestLog(handler: Handler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const traceId = randomUUID();
    res.setHeader('x-trace-id', traceId);
    handler(req, res, (line) => upload(traceId, [line]));
  };
}

export function runJob(name: string, job: (log: Log) => void): void {
  const traceId = `${name}-${randomUUID()}`;
  job((line) => upload(traceId, [line]));
}

export function logGauges(): Record<string, () => number> {
  return {};
}
