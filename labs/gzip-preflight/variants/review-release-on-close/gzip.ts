// Response compression in the shape of gin-contrib/gzip. Every compressor is tied to the response it
// was taken for: whatever ends that response (the handler, CORS answering a preflight, a client that
// walks away), its 'close' event destroys the compressor. The middleware order stays as it was.
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

export function gzip(level = 6): Handler {
  return async (c) => {
    if (!acceptsGzip(c.req.headers['accept-encoding'])) return;

    const gz = openGzip({ level });
    lent.add(gz);
    c.res.once('close', () => {
      lent.delete(gz);
      gz.destroy();
    });

    // Advertise the encoding only on responses that carry a body.
    c.onHeaders(() => {
      if (!statusAllowsBody(c.res.statusCode) || c.method === 'HEAD' || gz.bytesWritten + gz.writableLength === 0)
        return;
      c.res.setHeader('Content-Encoding', 'gzip');
      c.res.setHeader('Vary', 'Accept-Encoding');
      c.res.removeHeader('Content-Length');
    });

    c.res.on('finish', () => {
      if (gz.bytesWritten === 0) return;
      compressed.bodies++;
      compressed.bytesIn += gz.bytesWritten;
    });

    gz.pipe(c.res);
    c.writer = gz;

    await c.next();

    if (c.res.writableEnded || c.clientGone) return; // already answered, or nobody is listening
    if (gz.bytesWritten + gz.writableLength === 0) {
      // no body went through the compressor (HEAD, 304, an empty reply): end the response as it is
      gz.unpipe(c.res);
      c.writer = c.res;
      return;
    }
    gz.end(); // the gzip trailer
  };
}
