// The service: routes, the hourly schedule, the lab's gauges and the ledger endpoints the checks read.
// Your code is in logging.ts; this file only calls what it exports.
import http from 'node:http';
import { defineService } from '#kit';
import { exportOrders, getOrder, hourlyReport, type Handler } from './work.ts';
import { ledger, linesNotUploaded, resetLedger, uploadCount } from './file-service.ts';
import { logGauges, runJob, withRequestLog } from './logging.ts';

const HOUR_MS = 3_600_000;

export default defineService((ctx) => {
  const route = (url: string): Handler | null => {
    const order = /^\/orders\/(\d+)$/.exec(url);
    if (order) return getOrder(Number(order[1]), ctx.ms);
    const exp = /^\/export\/(\d+)$/.exec(url);
    if (exp) return exportOrders(Number(exp[1]), ctx.ms);
    return null;
  };

  const app = withRequestLog((req, res, log) => {
    const handler = route(req.url ?? '/');
    if (handler) return handler(req, res, log);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });

  // Responses still open, so shutting down can cut them off and wait until each one has closed.
  const open = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    if (req.url === '/__lab/ledger') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(ledger()));
    }
    if (req.url === '/__lab/ledger/reset' && req.method === 'POST') {
      resetLedger();
      res.writeHead(204);
      return res.end();
    }
    app(req, res);
  });

  // Clients keep their connections open across quiet spells (a minute of real time is days of lab
  // time); closing idle ones after Node's default 5 s races with a client reusing them.
  server.keepAliveTimeout = 60_000;

  const reportTimer = setInterval(() => {
    try {
      runJob('hourly-report', hourlyReport);
    } catch (err) {
      // a failed run is over like any other: its lines still belong in the file service
      console.error(`[orders] ${(err as Error).message}`);
    }
  }, ctx.ms(HOUR_MS));

  ctx.gauge('log lines not uploaded', linesNotUploaded);
  ctx.gauge('uploads', uploadCount);
  for (const [name, read] of Object.entries(logGauges())) ctx.gauge(name, read);

  return {
    server,
    async close() {
      clearInterval(reportTimer);
      // Exports still streaming are cut off, like clients that disconnect; their 'close' events run first.
      const closed = [...open].map((res) => new Promise((resolve) => res.once('close', resolve)));
      server.closeAllConnections();
      await Promise.all(closed);
    },
  };
});
