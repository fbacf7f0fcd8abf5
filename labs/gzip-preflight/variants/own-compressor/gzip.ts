// Wrong fix: skips OPTIONS and HEAD, but makes its compressors with zlib.createGzip itself (outside the
// lab's ledger) and still gives them back on 'finish' only, which never comes when a client disconnects.
import zlib, { type Gzip } from 'node:zlib';
import { statusAllowsBody, type Handler } from './chain.ts';

/** Compressors currently handed to a response; they are taken back once the response is done. */
export const lent = new Set<Gzip>();

/** Totals for the service's own metrics. */
export const compressed = { bodies: 0, bytesIn: 0 };

function acceptsGzip(header: string | string[] | undefined): boolean {
  return /\bgzip\b/i.test(String(header ?? ''));
}

export function gzip(level = 6): Handler {
  return async (c) => {
    if (c.method === 'OPTIONS' || c.method === 'HEAD' || !acceptsGzip(c.req.headers['accept-encoding'])) return;

    const gz = zlib.createGzip({ level }); // our own stream: no need for the ledger
    lent.add(gz);

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
