// Hidden checks for the Go gzip-preflight lab, judged from outside over HTTP against what the reference
// API answers: preflights (status, CORS headers, no body, no compression), the writes net/http refused
// (GET /debug/writes, counted by main.go's watch, which the reader cannot change), responses and their
// compression, and the allocations per preflight from the Go runtime's exact counters (measure()).
import { gunzipSync } from 'node:zlib';
import { isDeepStrictEqual } from 'node:util';
import {
  defineChecks,
  formatBytes,
  formatCount,
  goroutines,
  settleGoroutines,
  type CheckContext,
  type HttpResult,
} from '#kit';
import { ALLOWED, cartBody, FOREIGN, pick, preflight } from '../scenarios.ts';

const PREFLIGHTS = 400;
const ALLOC_ROUND = 300;
const FOREIGN_PREFLIGHTS = 28;
/** objects per preflight that a request the compression middleware never touches may differ by (noise) */
const ALLOC_SLACK = 1;
/** How long (lab time) goroutines a request started get to end after its answer. */
const SETTLE_LAB_MS = 5_000;
/**
 * Accept-Encoding values that accept gzip (gin-contrib/gzip compresses: they contain "gzip") and values that do
 * not (no "gzip" in them, so it does not). Values whose reading is disputed (gzip;q=0, GZIP) are not sent.
 */
const ACCEPTS_GZIP = ['gzip', 'gzip, deflate, br', 'br, gzip', 'deflate, gzip;q=0.8', 'gzip, deflate, br, zstd'];
const REFUSES_GZIP = [undefined, 'br', 'deflate, br', 'identity'];

function sentWith(acceptEncoding: string | undefined): string {
  return acceptEncoding === undefined ? 'without Accept-Encoding' : `with Accept-Encoding: ${acceptEncoding}`;
}

async function failedWrites(t: CheckContext): Promise<{ failed: number; last: string }> {
  const r = await t.service.request('/debug/writes');
  if (r.status !== 200) throw new Error(`GET /debug/writes answered ${r.status || r.error}`);
  if (r.headers['content-encoding'])
    throw new Error(
      `GET /debug/writes, from a client that does not accept gzip (no Accept-Encoding), came back with Content-Encoding: ${r.headers['content-encoding']}`,
    );
  return JSON.parse(r.body.toString('utf8')) as { failed: number; last: string };
}

/** What the reference API returns for a products page. */
function expectedProducts(page: number): unknown {
  const products = [];
  for (let i = 0; i < 40; i++) {
    const id = page * 40 + i;
    products.push({
      name: `Product ${id}, colour ${id % 7}`,
      price_cents: 199 + ((id * 37) % 9000),
      sku: `SKU-${String(id).padStart(5, '0')}`,
      stock: (id * 13) % 250,
    });
  }
  return { page, products };
}

function describePreflight(r: HttpResult, origin: string, method: string): string | null {
  if (r.error) return `the service stopped answering (${r.error})`;
  if (r.status !== 204) return `answered ${r.status} instead of 204`;
  if (r.headers['access-control-allow-origin'] !== origin)
    return `had Access-Control-Allow-Origin ${JSON.stringify(r.headers['access-control-allow-origin'] ?? null)}`;
  if (
    !(r.headers['access-control-allow-methods'] ?? '')
      .split(',')
      .map((m) => m.trim())
      .includes(method)
  )
    return `did not allow ${method}`;
  if (r.headers['content-encoding']) return `carried Content-Encoding: ${r.headers['content-encoding']}`;
  if (r.body.length > 0) return `carried a ${r.body.length}-byte body`;
  return null;
}

/** ", with Access-Control-Allow-Origin: …" when a response let an origin in, for a message. */
function allowedAs(r: HttpResult): string {
  const allow = r.headers['access-control-allow-origin'];
  if (!allow) return '';
  const credentials = r.headers['access-control-allow-credentials'] === 'true' ? ' and credentials' : '';
  return `, with Access-Control-Allow-Origin: ${allow}${credentials}`;
}

function json(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

export default defineChecks({
  'clean-preflights': async (t) => {
    const baseline = goroutines(await t.service.measure({ gc: true }));
    const before = await failedWrites(t);
    for (let i = 0; i < PREFLIGHTS; i++) {
      const origin = pick(ALLOWED, i);
      const method = i % 3 === 0 ? 'GET' : 'PUT';
      const path = i % 2 === 0 ? '/api/cart' : '/api/products';
      const r = await preflight(t, origin, {
        gzip: i % 5 !== 4,
        method,
        path,
        headers: i % 4 === 0 ? 'content-type' : 'content-type,x-request-id',
      });
      const wrong = describePreflight(r, origin, method);
      if (wrong) return { passed: false, message: `a preflight for ${method} ${path} from ${origin} ${wrong}` };
    }
    for (let i = 0; i < FOREIGN_PREFLIGHTS; i++) {
      const origin = FOREIGN[i % FOREIGN.length];
      const r = await preflight(t, origin, { gzip: i % 2 === 0, method: i % 3 === 0 ? 'GET' : 'PUT' });
      if (r.status !== 403)
        return {
          passed: false,
          message: `a preflight from ${origin}, which is not one of the allowed origins (${ALLOWED.join(', ')}), answered ${r.status || r.error} instead of 403${allowedAs(r)}`,
        };
      if (r.headers['access-control-allow-origin'])
        return {
          passed: false,
          message: `a preflight from ${origin}, which is not allowed, was refused with 403 but carried Access-Control-Allow-Origin: ${r.headers['access-control-allow-origin']}`,
        };
    }
    const after = await failedWrites(t);
    const failed = after.failed - before.failed;
    if (failed > 0)
      return {
        passed: false,
        message: `the preflights looked right, but net/http refused ${formatCount(failed)} writes while answering ${formatCount(PREFLIGHTS + FOREIGN_PREFLIGHTS)} of them: ${after.last}`,
      };
    const left = goroutines(await settleGoroutines(t, baseline, SETTLE_LAB_MS)) - baseline;
    if (left > 0)
      return {
        passed: false,
        message: `the preflights were answered cleanly, but ${formatCount(left)} goroutines more than before them were still running ${SETTLE_LAB_MS / 1000} s later`,
      };
    return {
      passed: true,
      message: `${formatCount(PREFLIGHTS)} preflights got 204 with their CORS headers and no body, ${FOREIGN_PREFLIGHTS} from foreign origins (look-alikes of the allowed ones among them) got 403, no write was refused and no goroutine was left behind`,
    };
  },

  'compression-and-cors': async (t) => {
    for (let page = 1; page <= 6; page++) {
      const origin = pick(ALLOWED, page);
      const want = expectedProducts(page);
      const accepts = ACCEPTS_GZIP[(page - 1) % ACCEPTS_GZIP.length];
      const zipped = await t.service.request(`/api/products?page=${page}`, {
        headers: { origin, 'accept-encoding': accepts },
      });
      if (zipped.status !== 200)
        return {
          passed: false,
          message: `GET /api/products?page=${page} from ${origin} answered ${zipped.status || zipped.error}`,
        };
      if (zipped.headers['content-encoding'] !== 'gzip')
        return {
          passed: false,
          message: `a products page asked for with Accept-Encoding: ${accepts}, which accepts gzip, came back uncompressed`,
        };
      if (!/accept-encoding/i.test(zipped.headers.vary ?? ''))
        return {
          passed: false,
          message:
            'a compressed response lacks Vary: Accept-Encoding, so caches may hand it to clients that cannot read gzip',
        };
      let body: Buffer;
      try {
        body = gunzipSync(zipped.body);
      } catch {
        return { passed: false, message: 'a response marked Content-Encoding: gzip is not valid gzip' };
      }
      if (!isDeepStrictEqual(json(body), want))
        return {
          passed: false,
          message: `the compressed products page ${page} does not hold the products the API should return`,
        };
      if (zipped.headers['access-control-allow-origin'] !== origin)
        return {
          passed: false,
          message: `a GET from the allowed origin ${origin} came back without Access-Control-Allow-Origin`,
        };

      const refuses = REFUSES_GZIP[(page - 1) % REFUSES_GZIP.length];
      const plain = await t.service.request(`/api/products?page=${page}`, {
        headers: refuses === undefined ? { origin } : { origin, 'accept-encoding': refuses },
      });
      if (plain.headers['content-encoding'])
        return {
          passed: false,
          message: `a products page asked for ${sentWith(refuses)}, which does not accept gzip, came back with Content-Encoding: ${plain.headers['content-encoding']}`,
        };
      if (!isDeepStrictEqual(json(plain.body), want))
        return {
          passed: false,
          message: `products page ${page} without compression does not hold the products the API should return`,
        };
    }
    for (const origin of FOREIGN) {
      const foreign = await t.service.request('/api/products?page=1', {
        headers: { origin, 'accept-encoding': 'gzip' },
      });
      if (foreign.status !== 403 || foreign.headers['access-control-allow-origin'])
        return {
          passed: false,
          message: `a GET from ${origin}, which is not one of the allowed origins (${ALLOWED.join(', ')}), answered ${foreign.status || foreign.error}${foreign.status === 403 ? '' : ' instead of 403'}${allowedAs(foreign)}`,
        };
    }
    const sameOrigin = await t.service.request('/api/products?page=2');
    if (sameOrigin.status !== 200 || sameOrigin.headers['access-control-allow-origin'])
      return {
        passed: false,
        message: `a request without Origin answered ${sameOrigin.status} with Access-Control-Allow-Origin ${sameOrigin.headers['access-control-allow-origin'] ?? 'absent'}`,
      };
    for (let i = 0; i < 12; i++) {
      const origin = pick(ALLOWED, i);
      const body = cartBody(i);
      // even carts from clients that accept gzip, odd ones from clients that do not
      const gzip = i % 2 === 0;
      const ae = gzip ? ACCEPTS_GZIP[(i / 2) % ACCEPTS_GZIP.length] : REFUSES_GZIP[((i - 1) / 2) % REFUSES_GZIP.length];
      const headers: Record<string, string> = { origin, 'content-type': 'application/json', 'x-request-id': `c-${i}` };
      if (ae !== undefined) headers['accept-encoding'] = ae;
      const r = await t.service.request('/api/cart', { method: 'PUT', body, headers });
      const encoding = r.headers['content-encoding'];
      if (r.status === 200 && gzip && encoding !== 'gzip')
        return {
          passed: false,
          message: `PUT /api/cart from a client that accepts gzip (Accept-Encoding: ${ae}) came back ${encoding ? `with Content-Encoding: ${encoding}` : 'uncompressed'}`,
        };
      if (r.status === 200 && gzip && !/accept-encoding/i.test(r.headers.vary ?? ''))
        return {
          passed: false,
          message:
            'a compressed cart answer lacks Vary: Accept-Encoding, so caches may hand it to clients that cannot read gzip',
        };
      if (!gzip && encoding)
        return {
          passed: false,
          message: `PUT /api/cart from a client that does not accept gzip (${sentWith(ae)}) came back with Content-Encoding: ${encoding}`,
        };
      let text: Buffer = r.body;
      if (encoding === 'gzip') {
        try {
          text = gunzipSync(r.body);
        } catch {
          return { passed: false, message: 'a cart answer marked Content-Encoding: gzip is not valid gzip' };
        }
      }
      const items = (JSON.parse(body) as { items: Array<{ qty: number }> }).items;
      const want = { items: items.length, quantity: items.reduce((n, it) => n + it.qty, 0) };
      if (r.status !== 200 || !isDeepStrictEqual(json(text), want))
        return {
          passed: false,
          message: `PUT /api/cart from ${origin} answered ${r.status || r.error} with ${text.toString('utf8').slice(0, 80)}`,
        };
      if (r.headers['access-control-allow-origin'] !== origin)
        return { passed: false, message: `a PUT from ${origin} came back without Access-Control-Allow-Origin` };
    }
    return {
      passed: true,
      message: `product pages and cart answers are compressed exactly when the client accepts gzip (${ACCEPTS_GZIP.length} ways of saying so tried) and hold the right content; CORS headers go to allowed origins only (${FOREIGN.length} foreign origins tried), and carts are accepted`,
    };
  },

  'preflight-allocations': async (t) => {
    const round = async (gzip: boolean) => {
      const before = (await t.service.measure()).gauges;
      for (let i = 0; i < ALLOC_ROUND; i++) {
        const r = await preflight(t, ALLOWED[i % 2], { gzip });
        if (r.error) throw new Error(`a preflight failed: ${r.error}`);
      }
      const after = (await t.service.measure()).gauges;
      return {
        objects: after['allocs objects'] - before['allocs objects'],
        bytes: after['allocs bytes'] - before['allocs bytes'],
      };
    };
    await round(true); // warm-up: connections, pools, lazily built tables
    await round(false);
    const sum = { gz: { objects: 0, bytes: 0 }, plain: { objects: 0, bytes: 0 } };
    for (let k = 0; k < 2; k++) {
      for (const [key, gzip] of [
        ['gz', true],
        ['plain', false],
      ] as const) {
        const r = await round(gzip);
        sum[key].objects += r.objects;
        sum[key].bytes += r.bytes;
      }
    }
    const n = 2 * ALLOC_ROUND;
    const per = (v: number) => v / n;
    const extraObjects = per(sum.gz.objects - sum.plain.objects);
    const extraBytes = per(sum.gz.bytes - sum.plain.bytes);
    const observed = `a preflight that accepts gzip allocates ${per(sum.gz.objects).toFixed(1)} objects (${formatBytes(per(sum.gz.bytes))}), one that does not ${per(sum.plain.objects).toFixed(1)} (${formatBytes(per(sum.plain.bytes))})`;
    if (extraObjects > ALLOC_SLACK)
      return {
        passed: false,
        message: `${observed}: ${extraObjects.toFixed(1)} objects (${formatBytes(Math.max(0, extraBytes))}) per preflight go to compressing a response that has no body`,
      };
    return { passed: true, message: `${observed}: nothing is allocated for compression` };
  },
});
