// Development logs for every request, saved to the file service when the request is over.
// Each request and each job run owns its log: there is no global index that something must clean up,
// so nothing can be forgotten in it. The log dies with the request once its lines are uploaded.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { upload } from './file-service.ts';
import type { Handler, Log } from './work.ts';

let openLogs = 0;

/** The lines of one request or job run. After end(), late lines go out at once under the same trace ID. */
class TraceLog {
  readonly traceId: string;
  private lines: string[] = [];
  private ended = false;

  constructor(traceId: string) {
    this.traceId = traceId;
    openLogs++;
  }

  write(line: string): void {
    if (this.ended)
      upload(this.traceId, [line]); // a follow-up upload for a line written after the end
    else this.lines.push(line);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    openLogs--;
    const lines = this.lines;
    this.lines = [];
    if (lines.length > 0) upload(this.traceId, lines);
  }
}

/** Middleware: gives the request a trace ID and a log of its own, uploaded once the response is over. */
export function withRequestLog(handler: Handler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const log = new TraceLog(randomUUID());
    res.setHeader('x-trace-id', log.traceId);
    // 'close' fires when the response completed and when the client went away; 'finish' only for the first.
    res.on('close', () => log.end());
    try {
      handler(req, res, (line) => log.write(line));
    } catch (err) {
      log.end();
      throw err;
    }
  };
}

/** Scheduled jobs get a log of their own, uploaded however the job ends. */
export function runJob(name: string, job: (log: Log) => void): void {
  const log = new TraceLog(`${name}-${randomUUID()}`);
  job((line) => log.write(line));
  log.end();
}

/** Extra gauges for the memory chart: name -> reader. */
export function logGauges(): Record<string, () => number> {
  return { 'open request logs': () => openLogs };
}
