// Seeded browser traffic for the preflight check: preflights and reports from the dashboards, from
// origins that are not allowed (also one that differs only in case), requests without an Origin, on the
// report route and elsewhere, with the Accept-Encoding headers real clients send. Each request comes with
// what the outside observer must see; the reference service gives exactly that.
import { seeded } from '#kit';
import { DASHBOARD_ORIGINS, REFUSED_ORIGINS } from '../scenarios.ts';

export type BrowserRequest = {
  kind: 'preflight' | 'report' | 'bad-report' | 'elsewhere';
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** the Origin sent, or undefined */
  origin?: string;
  /** the origin is on the allow-list */
  allowed: boolean;
};

const ENCODINGS = ['gzip, deflate, br', 'gzip', 'br;q=1.0, gzip;q=0.8, *;q=0.1', 'identity', '', 'GZIP'];
const OTHER_ORIGINS = [...REFUSED_ORIGINS, 'https://DASH.example.com', 'null', 'https://dash.example.com.evil.org'];

export function browserTraffic(seed: string, n: number): BrowserRequest[] {
  const rng = seeded(seed);
  return Array.from({ length: n }, (_, i): BrowserRequest => {
    const roll = rng.next();
    const origin = roll < 0.75 ? rng.pick(DASHBOARD_ORIGINS) : roll < 0.95 ? rng.pick(OTHER_ORIGINS) : undefined;
    const allowed = origin !== undefined && DASHBOARD_ORIGINS.includes(origin);
    const encoding = rng.chance(0.8) ? 'gzip, deflate, br' : rng.pick(ENCODINGS);
    const headers: Record<string, string> = {
      ...(origin ? { origin } : {}),
      ...(encoding ? { 'accept-encoding': encoding } : {}),
    };
    const kind = rng.next();
    if (kind < 0.7 || origin === undefined) {
      const path = rng.chance(0.85) ? '/report' : rng.pick(['/stats', '/nowhere', '/report?draft=1']);
      headers['access-control-request-method'] = rng.pick(['POST', 'POST', 'GET']);
      if (rng.chance(0.7)) headers['access-control-request-headers'] = 'content-type';
      return { kind: 'preflight', path, method: 'OPTIONS', headers, origin, allowed };
    }
    headers['content-type'] = 'application/json';
    if (kind < 0.9)
      return {
        kind: 'report',
        path: '/report',
        method: 'POST',
        headers,
        origin,
        allowed,
        body: JSON.stringify({ page: '/cart', ms: rng.int(20, 900), i }),
      };
    if (kind < 0.96)
      return {
        kind: 'bad-report',
        path: '/report',
        method: 'POST',
        headers,
        origin,
        allowed,
        body: rng.pick(['{', '42', '"x"', '']),
      };
    return { kind: 'elsewhere', path: rng.pick(['/nowhere', '/report/']), method: 'GET', headers, origin, allowed };
  });
}
