// Response compression in the shape of gin-contrib/gzip, with every path giving its compressor back:
// no compressor for requests that never carry a body, release on the response's 'close' (which, unlike
// 'finish', also comes when the client walks away), and no gzip trailer for a response that is already over.
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
    // Preflights and HEAD requests never carry a body: do not even take a compressor.
    if (c.method === 'OPTIONS' || c.method === 'HEAD' || !acceptsGzip(c.req.headers['accept-encoding'])) return;

    const gz = openGzip({ level });
    lent.add(gz);
    const bodyGoesThroughGzip = () => gz.bytesWritten > 0 || gz.writableLength > 0;

    const release = () => {
      if (!lent.delete(gz)) return;
      c.res.off('close', release);
      gz.unpipe(c.res);
      gz.destroy(); // frees the native zlib state now; a no-op when the stream already ended
    };
    // 'close' comes for every response, finished or abandoned. 'finish' never comes when the client leaves.
    c.res.once('close', release);

    c.onHeaders(() => {
      if (!statusAllowsBody(c.res.statusCode) || !bodyGoesThroughGzip()) return;
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

    if (c.res.writableEnded || c.clientGone || !bodyGoesThroughGzip()) {
      // Nothing to compress: another middleware already answered (a 204 preflight, a 403), the client
      // left, or the handler sent no body (a 304). Give the compressor back and finish uncompressed.
      release();
      c.writer = c.res;
      return;
    }
    gz.end(); // the gzip trailer
    release(); // and give the compressor back now that the handler is done
  };
}
