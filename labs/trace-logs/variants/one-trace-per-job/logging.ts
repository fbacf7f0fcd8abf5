// Wrong fix: per-request loggers done right, but a job gets one logger (and one trace ID) per job name,
// made once and flushed after each run: every hourly report run is filed under the same trace ID.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { upload } from './file-service.ts';
import type { Handler, Log } from './work.ts';

let open = 0;

class RequestLogger {
  readonly traceId: string;
  #lines: string[] = [];
  #ended = false;
  constructor(traceId: string) {
    this.traceId = traceId;
    open++;
  }
  log(line: string): void {
    if (this.#ended)
      upload(this.traceId, [line]); //LATE
    else this.#lines.push(line);
  }
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    open--;
    const lines = this.#lines;
    this.#lines = [];
    if (lines.length > 0) upload(this.traceId, lines);
  }
}

/** Middleware: gives the request a trace ID and a logger, and saves its lines once the response is closed. */
export function withRequestLog(handler: Handler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const logger = new RequestLogger(randomUUID());
    res.setHeader('x-trace-id', logger.traceId);
    res.once('close', () => logger.end()); //END
    handler(req, res, (line) => logger.log(line));
  };
}

/** Scheduled jobs log under a trace ID of their own, like requests do. */
const jobTrace = new Map<string, string>();
export function runJob(name: string, job: (log: Log) => void): void {
  let id = jobTrace.get(name);
  if (!id) jobTrace.set(name, (id = `${name}-${randomUUID()}`));
  const logger = new RequestLogger(id);
  try {
    job((line) => logger.log(line));
  } finally {
    logger.end();
  }
}

export function logGauges(): Record<string, () => number> {
  return { 'open loggers': () => open };
}
