// The data-reporting service. POST /report takes one report or an array of them (clients send their
// reports in bundles) and pushes each into the queue, in arrival order. GET /batches shows what the
// batch endpoint has received. Nothing here needs changing: the queue is in queue.ts.
import http from 'node:http';
import path from 'node:path';
import { defineService } from '#kit';
import { ReportQueue } from './queue.ts';
import { Report, readReportFields } from './report.ts';
import { BatchSink } from './sink.ts';
import { Ticker } from './ticker.ts';

/** Send a batch at this many reports… */
const MAX_BATCH = 5_000;
/** …or this long (lab time) after the batch's first report, whichever comes first. */
const FLUSH_AFTER_LAB_MS = 10_000;
const MAX_BODY_BYTES = 2 * 1024 * 1024;

export default defineService((ctx) => {
  // The lab's clock: real time divided by the time scale, so "10 s" here is ctx.ms(10_000) real ms. The
  // kit's own clock, which the queue's module cannot move.
  const labNow = ctx.labNow;
  const sink = new BatchSink({ now: labNow, ledgerDir: path.join(process.cwd(), 'sink') });
  const ticker = new Ticker();
  const queue = new ReportQueue(sink, ticker, { maxBatch: MAX_BATCH, intervalMs: ctx.ms(FLUSH_AFTER_LAB_MS) });
  let received = 0;

  ctx.gauge('tick waiters', () => ticker.listenerCount('tick'));
  ctx.gauge('batches delivered', () => sink.batches);

  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://service');

    if (req.method === 'GET' && url.pathname === '/batches') {
      return send(200, {
        received,
        delivered: sink.delivered,
        waiting: received - sink.delivered,
        batches: sink.batches,
        largest: sink.largest,
        problems: sink.problems,
        problemCount: sink.problemCount,
        recent: sink.recent,
        ledger: sink.ledgerPath,
        now: Math.round(labNow()),
      });
    }

    if (req.method === 'POST' && url.pathname === '/report') {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      req.on('end', () => {
        if (size > MAX_BODY_BYTES)
          return send(413, { error: `a request may carry at most ${MAX_BODY_BYTES} bytes of reports` });
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return send(400, { error: 'the body must be JSON: one report or an array of reports' });
        }
        const items = Array.isArray(body) ? body : [body];
        const fields = items.map(readReportFields);
        const bad = fields.find((f) => typeof f === 'string');
        if (bad !== undefined) return send(400, { error: bad });
        const at = labNow();
        sink.arrived(received, fields.length, at);
        for (const f of fields) queue.push(new Report(received++, f as Exclude<typeof f, string>, at));
        send(202, { accepted: items.length });
      });
      return;
    }

    send(404, { error: 'try POST /report or GET /batches' });
  });

  return {
    server,
    // On shutdown the queue sends what it still holds.
    close: () => queue.stop(),
  };
});
