// WRONG FIX: a sweeper that destroys every lent compressor every few seconds. Between sweeps the
// leaked streams pile up as before, and each sweep also kills the downloads that are still in progress.
import type { Gzip } from 'node:zlib';
import { statusAllowsBody, type Handler } from './chain.ts';
import { openGzip } from './ledger.ts';

/** Compressors currently handed to a response; they are taken back once the response is done. */
export const lent = new Set<Gzip>();

/** Totals for the service's own metrics. */
export const compressed = { bodies: 0, bytesIn: 0 };

function acceptsGzip(header: string | string[] | undefined): boolean {
  return /\bgzip\b/i.test(String(header ?? ''));
}

const SWEEP_MS = 30_000;

export function gzip(level = 6): Handler {
  // Every 30 s of lab time, throw away whatever is still lent out.
  setInterval(() => {
    for (const gz of lent) gz.destroy();
    lent.clear();
  }, SWEEP_MS * 0.1).unref();

  return async (c) => {
    if (!acceptsGzip(c.req.headers['accept-encoding'])) return;

    const gz = openGzip({ level });
    lent.add(gz);

    c.onHeaders(() => {
      if (!statusAllowsBody(c.res.statusCode) || c.method === 'HEAD') return;
      c.res.setHeader('Content-Encoding', 'gzip');
      c.res.setHeader('Vary', 'Accept-Encoding');
      c.res.removeHeader('Content-Length');
    });

    c.res.on('finish', () => {
      if (gz.bytesWritten === 0) return;
      compressed.bodies++;
      compressed.bytesIn += gz.bytesWritten;
      lent.delete(gz);
    });

    gz.pipe(c.res);
    c.writer = gz;

    await c.next();

    gz.end();
  };
}
