// Scenario drivers for the Go gzip-preflight lab: a shop front on another origin talking to the API.
import { defineScenarios, forEachLimit, formatCount, type HttpResult, type ScenarioContext } from '#kit';

export const ALLOWED = ['https://shop.example', 'https://admin.shop.example'];
/**
 * Origins that are not allowed, most of them look-alikes of an allowed one: another scheme, another port, a
 * name that ends or starts like the shop's, a sub-domain nobody listed. gin-contrib/cors compares the Origin
 * with the list exactly, so each of these is refused with 403. (Case variants are left out: browsers send the
 * origin in lower case, and a host name differing only in case is arguably the same origin.)
 */
export const FOREIGN = [
  'https://evil.example',
  'http://shop.example',
  'https://evilshop.example',
  'https://shop.example.evil.org',
  'https://shop.example:8443',
  'https://x.shop.example',
  'https://notadmin.shop.example',
];

/** Seeded choices, so every run sends the same traffic. */
export function pick<T>(list: readonly T[], i: number): T {
  return list[(i * 7919 + 3) % list.length];
}

export function preflight(
  s: ScenarioContext,
  origin: string,
  opts: { gzip: boolean; method?: string; headers?: string; path?: string },
): Promise<HttpResult> {
  const headers: Record<string, string> = {
    origin,
    'access-control-request-method': opts.method ?? 'PUT',
    'access-control-request-headers': opts.headers ?? 'content-type,x-request-id',
  };
  // without gzip, a header of the same size in its place: the two requests cost the same to parse
  if (opts.gzip) headers['accept-encoding'] = 'gzip, deflate, br';
  else headers['accept-language'] = 'en-GB, en;q=0.9';
  return s.service.request(opts.path ?? '/api/cart', { method: 'OPTIONS', headers, timeoutMs: 10_000 });
}

export function cartBody(i: number): string {
  const items = [];
  for (let k = 0; k < 1 + (i % 4); k++)
    items.push({ sku: `SKU-${String((i * 7 + k) % 99999).padStart(5, '0')}`, qty: 1 + ((i + k) % 3) });
  return JSON.stringify({ items });
}

function must(r: HttpResult, what: string): void {
  if (r.error) throw new Error(`${what}: the service stopped answering (${r.error})`);
}

export default defineScenarios({
  browser: async (s) => {
    await forEachLimit(
      200,
      4,
      async (i) => {
        const origin = pick(ALLOWED, i);
        must(await preflight(s, origin, { gzip: true }), 'preflight');
        const headers = {
          origin,
          'content-type': 'application/json',
          'x-request-id': `r-${i}`,
          'accept-encoding': 'gzip',
        };
        must(await s.service.request('/api/cart', { method: 'PUT', body: cartBody(i), headers }), 'PUT /api/cart');
        must(
          await s.service.request(`/api/products?page=${1 + (i % 9)}`, {
            headers: { origin, 'accept-encoding': 'gzip' },
          }),
          'GET /api/products',
        );
        if (i % 50 === 49) s.progress(`${formatCount(i + 1)} of 200 cart updates`);
      },
      s.signal,
    );
    return '200 cart updates: 200 preflights, 200 PUTs and 200 product pages';
  },

  preflights: async (s) => {
    await forEachLimit(
      3000,
      8,
      async (i) => {
        must(await preflight(s, pick(ALLOWED, i), { gzip: true }), 'preflight');
        if (i % 1000 === 999) s.progress(`${formatCount(i + 1)} of 3,000 preflights`);
      },
      s.signal,
    );
    return '3,000 preflights';
  },
});
