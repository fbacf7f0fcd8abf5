// The service's business code: what it does for each request and for the hourly report. It logs through
// whatever `log` function it is given, like Go code that logs through the logger found in its context.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { noteWritten } from './file-service.ts';

export type Log = (line: string) => void;
export type Handler = (req: IncomingMessage, res: ServerResponse, log: Log) => void;

/** Lab time the audit write takes after the response has gone out. */
export const AUDIT_DELAY_MS = 2_000;
/** Lab time to query one page of an export (a chunk). */
export const EXPORT_CHUNK_EVERY_MS = 60_000;
export const EXPORT_CHUNKS = 16;
export const EXPORT_CHUNK_BYTES = 16 * 1024;
/** Lines the hourly report logs per run: one per customer account it reconciles. */
export const REPORT_LINES = 4_000;
/** Orders are numbered below this; higher numbers are not found. */
export const ORDERS = 900_000;
/** Every fourth report run (the 3rd, 7th, 11th…) hits a locked account and fails part-way. */
export const FAILING_RUN_EVERY = 4;

function say(log: Log, subject: string, text: string): void {
  const line = `[${subject}] ${text}`;
  noteWritten(line);
  log(line);
}

/** GET /orders/<n>: look the order up, answer, then write an audit record in the background. */
export function getOrder(n: number, ms: (labMs: number) => number): Handler {
  return (_req, res, log) => {
    const subject = `order-${n}`;
    say(log, subject, `GET /orders/${n} received`);
    if (n >= ORDERS) {
      say(log, subject, `order ${n} not found`);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `no order ${n}` }));
      say(log, subject, 'responded 404');
      return;
    }
    const order = { id: n, items: (n % 5) + 1, total: ((n * 7919) % 100_000) / 100 };
    say(log, subject, `loaded order ${n} with ${order.items} items`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(order));
    say(log, subject, 'responded 200');
    // The audit write finishes after the response, like a goroutine the handler started.
    setTimeout(() => say(log, subject, `audit record written for order ${n}`), ms(AUDIT_DELAY_MS));
  };
}

/** GET /export/<n>: a large CSV streamed in chunks; slow clients on mobile networks often give up. */
export function exportOrders(n: number, ms: (labMs: number) => number): Handler {
  return (_req, res, log) => {
    const subject = `export-${n}`;
    say(log, subject, `GET /export/${n} started`);
    res.writeHead(200, { 'content-type': 'text/csv' });
    const row = `${n},order,${'x'.repeat(50)}\n`;
    const chunk = row.repeat(Math.ceil(EXPORT_CHUNK_BYTES / row.length));
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    res.on('close', () => {
      clearTimeout(timer);
      if (!res.writableFinished) say(log, subject, 'client disconnected before the export finished');
    });
    const next = () => {
      if (res.destroyed) return;
      res.write(chunk);
      sent++;
      if (sent < EXPORT_CHUNKS) {
        timer = setTimeout(next, ms(EXPORT_CHUNK_EVERY_MS));
      } else {
        res.end();
        say(log, subject, `export finished after ${EXPORT_CHUNKS} chunks`);
      }
    };
    next();
  };
}

let reportRuns = 0;

/** The hourly reconciliation report. It runs on a timer, never as a request, and sometimes throws. */
export function hourlyReport(log: Log): void {
  const run = ++reportRuns;
  const subject = `report-${run}`;
  const failsAt = run % FAILING_RUN_EVERY === FAILING_RUN_EVERY - 1 ? 1_000 + run : 0;
  say(log, subject, `hourly report ${run} started`);
  for (let account = 1; account <= REPORT_LINES; account++) {
    if (account === failsAt) {
      say(log, subject, `account ${String(account).padStart(5, '0')} is locked by another job: giving up`);
      throw new Error(`hourly report ${run} failed at account ${account}`);
    }
    say(
      log,
      subject,
      `account ${String(account).padStart(5, '0')} reconciled: balance matches ledger, 0 discrepancies`,
    );
  }
  say(log, subject, `hourly report ${run} finished`);
}
