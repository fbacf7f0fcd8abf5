// The reporting service: browsers on the dashboards POST reports here (after a CORS preflight), and
// GET /stats serves the aggregated numbers as one large JSON document, streamed page by page.
import type { ServiceContext } from '#kit';
import { setTimeout as sleep } from 'node:timers/promises';
import { App } from './chain.ts';
import { cors } from './cors.ts';
import { gzip, lent } from './gzip.ts';
import { statsEtag, statsPages } from './stats-data.ts';

/** Origins of our dashboards. Everything else is refused. */
export const ALLOWED_ORIGINS = ['https://dash.example.com', 'https://ops.example.com', 'https://m.example.com'];

/** Lab time between two pages of /stats (the aggregation reads one page at a time). */
const PAGE_MS = 100;

export function buildApp(ctx: ServiceContext): App {
  const app = new App();
  let reports = 0;

  // CORS first: a preflight is answered before any compressor is taken.
  app.use(
    cors({ allowOrigins: ALLOWED_ORIGINS, allowMethods: ['GET', 'POST'], allowHeaders: ['Content-Type'], maxAge: 600 }),
    gzip(),
  );

  app.post('/report', async (c) => {
    let report: unknown;
    try {
      report = JSON.parse(await App.readBody(c.req));
    } catch {
      await c.json(400, { error: 'the body must be JSON' });
      return;
    }
    if (typeof report !== 'object' || report === null) {
      await c.json(400, { error: 'a report is a JSON object' });
      return;
    }
    reports++;
    await c.json(202, { accepted: true, id: reports });
  });

  app.get('/stats', async (c) => {
    c.header('Content-Type', 'application/json; charset=utf-8')
      .header('ETag', statsEtag)
      .header('Cache-Control', 'no-cache');
    if (c.req.headers['if-none-match'] === statsEtag) {
      c.status(304);
      return;
    }
    if (c.method === 'HEAD') return;
    for (const page of statsPages) {
      if (c.clientGone) return; // the client left: stop producing pages
      await c.write(page);
      c.flush(); // the dashboard renders page by page
      await sleep(ctx.ms(PAGE_MS));
    }
  });

  ctx.gauge('compressors lent', () => lent.size);
  return app;
}
