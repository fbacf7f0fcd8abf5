// Wrong fix: a ceiling instead of a fix. At most 500 compressors stay lent; beyond that the oldest is
// destroyed. Memory stops growing at 500 leaked streams, and a long download can be the oldest.
import type { Gzip } from 'node:zlib';
import { statusAllowsBody, type Handler } from './chain.ts';
import { openGzip } from './ledger.ts';

/** Compressors currently handed to a response; they are taken back once the response is done. */
export const lent = new Set<Gzip>();
const MAX_LENT = 500;

/** Totals for the service's own metrics. */
export const compressed = { bodies: 0, bytesIn: 0 };

function acceptsGzip(header: string | string[] | undefined): boolean {
  return /\bgzip\b/i.test(String(header ?? ''));
}

export function gzip(level = 6): Handler {
  return async (c) => {
    if (!acceptsGzip(c.req.headers['accept-encoding'])) return;

    const gz = openGzip({ level });
    lent.add(gz);
    // Never keep more than 500 compressors: destroy the oldest when there are more.
    if (lent.size > MAX_LENT) {
      const oldest = lent.values().next().value as Gzip;
      lent.delete(oldest);
      oldest.destroy();
    }

    // Advertise the encoding only on responses that carry a body.
    c.onHeaders(() => {
      if (!statusAllowsBody(c.res.statusCode) || c.method === 'HEAD') return;
      c.res.setHeader('Content-Encoding', 'gzip');
      c.res.setHeader('Vary', 'Accept-Encoding');
      c.res.removeHeader('Content-Length');
    });

    c.res.on('finish', () => {
      if (gz.bytesWritten === 0) return; // nothing was compressed: nothing to count
      compressed.bodies++;
      compressed.bytesIn += gz.bytesWritten;
      lent.delete(gz);
    });

    gz.pipe(c.res);
    c.writer = gz;

    await c.next();

    // Like `defer gz.Close()`: write the gzip trailer.
    gz.end();
  };
}
