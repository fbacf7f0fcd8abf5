// Hidden checks for the gzip-preflight lab. Each task gets a fresh service. The portable core is the
// service's behaviour plus the compressor ledger (a read-only file of the lab); on real Node the checks
// also count live Gzip objects after garbage collection and compare RSS between rounds.
import { gunzipSync } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineChecks, formatBytes, formatCount, type CheckContext, type HttpResult, type Measurement } from '#kit';
import {
  DASHBOARD_ORIGINS,
  downloadStats,
  inParallel,
  originFor,
  postReport,
  preflight,
} from '../scenarios.ts';

const LIVE = 'live gzip streams';
const CUT_OFF = 'responses cut off by clients';
/** Lab time between two pages of /stats. */
const PAGE_LAB_MS = 100;

async function expectedStats(): Promise<string> {
  // The data module is a read-only file of the lab, copied into the workspace next to the checks.
  const mod = (await import(new URL('../app/stats-data.ts', import.meta.url).href)) as { statsJson: string };
  return mod.statsJson;
}

function decode(r: HttpResult): string | null {
  try {
    return (r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body).toString('utf8');
  } catch {
    return null;
  }
}

/** Why a complete dashboard download is not right, or null when it is. */
function fullDownloadProblem(r: HttpResult, json: string): string | null {
  if (r.aborted) return `a dashboard's download of /stats broke off (${r.error ?? 'connection closed'}) after ${formatBytes(r.body.length)}`;
  if (r.status !== 200) return `GET /stats answered ${r.status}`;
  if (r.headers['content-encoding'] !== 'gzip') return 'GET /stats with Accept-Encoding: gzip came back uncompressed';
  const text = decode(r);
  if (text === null) return 'GET /stats is labelled gzip but does not decode as gzip';
  if (text !== json) return `GET /stats decodes to ${formatBytes(text.length)} that differ from the ${formatBytes(json.length)} of JSON the service holds`;
  return null;
}

function corsHeaders(r: HttpResult): string[] {
  return Object.keys(r.headers).filter((h) => h.startsWith('access-control-'));
}

function preflightProblem(r: HttpResult, origin: string, allowed: boolean): string | null {
  if (r.status === 0) return `a preflight from ${origin} got no answer (${r.error ?? 'connection failed'})`;
  if (!allowed) {
    const leaked = corsHeaders(r);
    return leaked.length ? `a preflight from ${origin}, which is not on the allow-list, got ${leaked.join(', ')}` : null;
  }
  if (r.status !== 204) return `a preflight from ${origin} got ${r.status} instead of 204`;
  if (r.headers['access-control-allow-origin'] !== origin)
    return `a preflight from ${origin} got Access-Control-Allow-Origin: ${r.headers['access-control-allow-origin'] ?? '(none)'}`;
  if (!/\bPOST\b/i.test(r.headers['access-control-allow-methods'] ?? '')) return `a preflight from ${origin} does not allow POST`;
  if (r.body.length > 0) return `a 204 preflight carried a ${r.body.length}-byte body`;
  return null;
}

async function measure(t: CheckContext): Promise<Measurement> {
  const counts = t.service.caps.queryObjects && t.service.caps.gc ? ['Gzip'] : undefined;
  return t.service.measure({ gc: true, count: counts });
}

function memoryOnNode(t: CheckContext): boolean {
  const c = t.service.caps;
  return c.runtime === 'node' && c.memoryUsage && c.gc;
}

export default defineChecks({
  'preflights-leak-nothing': async (t) => {
    const json = await expectedStats();
    const perRound = 400;
    const rounds: Measurement[] = [];
    for (let round = 0; round < 2; round++) {
      let problem: string | null = null;
      // A dashboard downloads /stats while the preflights come in: a fix must not break responses in flight.
      const download = downloadStats(t.service);
      await inParallel(perRound, 8, t.signal, async (i) => {
        const origin = originFor(round * perRound + i);
        const r = await preflight(t.service, origin);
        problem ??= preflightProblem(r, origin, DASHBOARD_ORIGINS.includes(origin));
      });
      const downloaded = await download;
      if (problem) return { passed: false, message: problem };
      const m = await measure(t);
      const live = m.gauges[LIVE];
      if (live === undefined) return { passed: false, message: 'the service no longer reports the "live gzip streams" gauge' };
      if (live > 0) {
        const memory = `RSS is ${formatBytes(m.rss)}, heapUsed ${formatBytes(m.heapUsed)}`;
        return { passed: false, message: `after ${formatCount(perRound * (round + 1))} preflights, ${formatCount(live)} gzip streams are still alive; ${memory}` };
      }
      problem = fullDownloadProblem(downloaded, json);
      if (problem) return { passed: false, message: problem };
      rounds.push(m);
    }
    const [first, second] = rounds;
    const total = formatCount(perRound * 2);
    const memory = `RSS went from ${formatBytes(first.rss)} to ${formatBytes(second.rss)} between the rounds while heapUsed changed by ${formatBytes(second.heapUsed - first.heapUsed)}`;
    const gzipObjects = second.counts?.Gzip;
    if (gzipObjects !== undefined && gzipObjects > 0)
      return { passed: false, message: `after ${total} preflights and a garbage collection, ${formatCount(gzipObjects)} Gzip objects are still reachable` };
    const growth = second.rss - first.rss;
    if (memoryOnNode(t) && growth > 24 * 1024 * 1024)
      return { passed: false, message: `no gzip stream is alive, but ${memory}` };
    return {
      passed: true,
      message: `${total} preflights answered correctly (204 with CORS headers for the dashboards, none for other origins); no gzip stream alive afterwards${memoryOnNode(t) ? `; RSS changed by ${formatBytes(growth)} between rounds` : ''}`,
    };
  },

  'aborted-downloads-leak-nothing': async (t) => {
    const json = await expectedStats();
    const drops = 60;
    const before = await measure(t);
    // Two patient dashboards download the whole document while the phones come and go.
    const patient = [downloadStats(t.service), downloadStats(t.service)];
    let dropped = 0;
    await inParallel(drops, 6, t.signal, async () => {
      const r = await downloadStats(t.service, 1024);
      if (r.aborted) dropped++;
    });
    for (const r of await Promise.all(patient)) {
      const problem = fullDownloadProblem(r, json);
      if (problem) return { passed: false, message: problem };
    }
    // A moment for the service to notice the last disconnects (a few pages of lab time).
    await sleep(t.ms(PAGE_LAB_MS * 3) + 50);
    const after = await measure(t);
    const cutOff = (after.gauges[CUT_OFF] ?? 0) - (before.gauges[CUT_OFF] ?? 0);
    if (cutOff < drops / 2)
      return {
        passed: false,
        message: `only ${formatCount(cutOff)} of ${formatCount(drops)} dropped downloads were still in progress when the client left: /stats has to keep streaming page by page`,
      };
    const live = after.gauges[LIVE];
    if (live === undefined) return { passed: false, message: 'the service no longer reports the "live gzip streams" gauge' };
    const rss = memoryOnNode(t) ? `; RSS grew by ${formatBytes(after.rss - before.rss)}` : '';
    if (live > 0)
      return { passed: false, message: `${formatCount(cutOff)} clients left mid-download and ${formatCount(live)} gzip streams are still alive${rss}` };
    const gzipObjects = after.counts?.Gzip;
    if (gzipObjects !== undefined && gzipObjects > 0)
      return { passed: false, message: `${formatCount(cutOff)} clients left mid-download; after a garbage collection ${formatCount(gzipObjects)} Gzip objects are still reachable` };
    return { passed: true, message: `${formatCount(cutOff)} clients left mid-download (${formatCount(dropped)} dropped), the full downloads were intact, and no gzip stream is alive${rss}` };
  },

  'compression-still-works': async (t) => {
    const json = await expectedStats();
    const s = t.service;
    const zipped = await downloadStats(s);
    const problem = fullDownloadProblem(zipped, json);
    if (problem) return { passed: false, message: problem };
    if (zipped.body.length > json.length / 4)
      return { passed: false, message: `/stats is ${formatBytes(zipped.body.length)} on the wire for ${formatBytes(json.length)} of JSON: it is hardly compressed` };

    const plain = await s.request('/stats', { timeoutMs: 30_000 });
    if (plain.status !== 200 || plain.headers['content-encoding'] || plain.body.toString('utf8') !== json)
      return { passed: false, message: `without Accept-Encoding, GET /stats answered ${plain.status} with Content-Encoding ${plain.headers['content-encoding'] ?? '(none)'} and ${plain.body.length === json.length ? 'the same' : 'a different'} body` };

    const etag = zipped.headers.etag;
    const bodiless: Array<[string, Promise<HttpResult>, number]> = [
      ['HEAD /stats', s.request('/stats', { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } }), 200],
      ['a 304 for /stats', s.request('/stats', { headers: { 'accept-encoding': 'gzip', 'if-none-match': etag ?? '"none"' } }), 304],
      ['a preflight', preflight(s, DASHBOARD_ORIGINS[1]), 204],
    ];
    if (!etag) return { passed: false, message: 'GET /stats no longer sends an ETag, so clients cannot revalidate it' };
    for (const [what, pending, status] of bodiless) {
      const r = await pending;
      if (r.status !== status) return { passed: false, message: `${what} answered ${r.status} instead of ${status}` };
      if (r.headers['content-encoding']) return { passed: false, message: `${what} carries Content-Encoding: ${r.headers['content-encoding']} but has no body` };
      if (r.body.length > 0) return { passed: false, message: `${what} came with a ${r.body.length}-byte body` };
    }

    const post = await postReport(s, DASHBOARD_ORIGINS[2], 1);
    const reply = decode(post);
    if (post.status !== 202 || post.headers['content-encoding'] !== 'gzip' || reply === null || !/"accepted":\s*true/.test(reply))
      return { passed: false, message: `POST /report answered ${post.status} with Content-Encoding ${post.headers['content-encoding'] ?? '(none)'} and body ${JSON.stringify(reply)}` };

    return {
      passed: true,
      message: `/stats is ${formatBytes(zipped.body.length)} gzip for ${formatBytes(json.length)} of JSON and decodes exactly; HEAD, 304 and 204 carry no body and no Content-Encoding; reports are answered gzip`,
    };
  },
});
