// Hidden checks for the gzip-preflight lab. Each task gets a fresh service. The portable core is the
// service's behaviour plus the compressor ledger (a read-only file of the lab); on real Node the checks
// also count live Gzip objects after garbage collection and compare RSS between rounds.
import { gunzipSync } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  defineChecks,
  seeded,
  formatBytes,
  formatCount,
  type CheckContext,
  type HttpResult,
  type Measurement,
} from '#kit';
import { browserTraffic, type BrowserRequest } from './browsers.ts';
import { DASHBOARD_ORIGINS, downloadStats, inParallel, postReport, preflight } from '../scenarios.ts';

const LIVE = 'live gzip streams';
/** Lab time between two pages of /stats. */
const PAGE_LAB_MS = 100;

// The data module is a read-only file of the lab. Imported when the checks load, before any service runs,
// so a service that rewrites the workspace's copy cannot change what its answers are compared with.
const statsData = (await import(new URL('../app/stats-data.ts', import.meta.url).href)) as {
  statsJson: string;
  STATS_PAGES: number;
};

async function expectedStats(): Promise<string> {
  return statsData.statsJson;
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
  if (r.aborted)
    return `a dashboard's download of /stats broke off (${r.error ?? 'connection closed'}) after ${formatBytes(r.body.length)}`;
  if (r.status !== 200) return `GET /stats answered ${r.status}`;
  if (r.headers['content-encoding'] !== 'gzip') return 'GET /stats with Accept-Encoding: gzip came back uncompressed';
  const text = decode(r);
  if (text === null) return 'GET /stats is labelled gzip but does not decode as gzip';
  if (text !== json)
    return `GET /stats decodes to ${formatBytes(text.length)} that differ from the ${formatBytes(json.length)} of JSON the service holds`;
  return null;
}

function corsHeaders(r: HttpResult): string[] {
  return Object.keys(r.headers).filter((h) => h.startsWith('access-control-'));
}

function preflightProblem(r: HttpResult, origin: string, allowed: boolean): string | null {
  if (r.status === 0) return `a preflight from ${origin} got no answer (${r.error ?? 'connection failed'})`;
  if (!allowed) {
    const leaked = corsHeaders(r);
    return leaked.length
      ? `a preflight from ${origin}, which is not on the allow-list, got ${leaked.join(', ')}`
      : null;
  }
  if (r.status !== 204) return `a preflight from ${origin} got ${r.status} instead of 204`;
  if (r.headers['access-control-allow-origin'] !== origin)
    return `a preflight from ${origin} got Access-Control-Allow-Origin: ${r.headers['access-control-allow-origin'] ?? '(none)'}`;
  if (!/\bPOST\b/i.test(r.headers['access-control-allow-methods'] ?? ''))
    return `a preflight from ${origin} does not allow POST`;
  if (r.body.length > 0) return `a 204 preflight carried a ${r.body.length}-byte body`;
  return null;
}

function memoryOnNode(t: CheckContext): boolean {
  const c = t.service.caps;
  return c.runtime === 'node' && c.memoryUsage && c.gc;
}

/** Why a browser request was not answered as the reference answers it, or null. */
function browserProblem(req: BrowserRequest, r: HttpResult, ids: number[]): string | null {
  const who = req.origin ? `from ${req.origin}` : 'without an Origin';
  const what = `${req.method} ${req.path} ${who}`;
  if (r.status === 0) return `${what} got no answer (${r.error ?? 'connection failed'})`;
  if (r.status >= 500) return `${what} answered ${r.status}`;
  // An empty body labelled gzip is left alone here: clients read it as empty (204/304/HEAD are judged in
  // compression-still-works, as its description says).
  if (r.headers['content-encoding'] === 'gzip' && r.body.length > 0 && decode(r) === null)
    return `${what} is labelled Content-Encoding: gzip but its ${formatBytes(r.body.length)} body does not decode as gzip`;
  const cors = corsHeaders(r);
  if (!req.allowed) {
    if (cors.length) return `${what}, which is not on the allow-list, got ${cors.join(', ')}`;
    if (req.kind === 'report' && r.status < 300)
      return `a report ${who}, which is not on the allow-list, was accepted (${r.status})`;
    return null;
  }
  if (r.headers['access-control-allow-origin'] !== req.origin)
    return `${what} got Access-Control-Allow-Origin: ${r.headers['access-control-allow-origin'] ?? '(none)'}`;
  if (req.kind === 'preflight') return preflightProblem(r, req.origin!, true);
  const text = decode(r) ?? '';
  if (req.kind === 'report') {
    let reply: { accepted?: unknown; id?: unknown } = {};
    try {
      reply = JSON.parse(text) as typeof reply;
    } catch {
      // reported below
    }
    if (r.status !== 202 || reply.accepted !== true || typeof reply.id !== 'number')
      return `a report ${who} was answered ${r.status} with ${JSON.stringify(text.slice(0, 80))} instead of 202 {"accepted":true,…}`;
    ids.push(reply.id);
    return null;
  }
  if (req.kind === 'bad-report')
    return r.status === 400 ? null : `a report that is not a JSON object was answered ${r.status} instead of 400`;
  return r.status === 404 ? null : `${what} answered ${r.status} instead of 404`;
}

/** Every accepted report got its own number, 1, 2, 3 … in some order: none lost, none counted twice. */
function idsProblem(ids: number[]): string | null {
  const sorted = [...ids].sort((x, y) => x - y);
  const gap = sorted.findIndex((id, i) => id !== i + 1);
  if (gap === -1) return null;
  return `${formatCount(ids.length)} reports were accepted, but their ids are not 1 to ${formatCount(ids.length)} (id ${sorted[gap]} where ${gap + 1} was due)`;
}

async function measureAll(t: CheckContext): Promise<Measurement> {
  const counts = t.service.caps.queryObjects && t.service.caps.gc ? ['Gzip'] : undefined;
  return t.service.measure({ gc: true, count: counts, resources: true });
}

export default defineChecks({
  'preflights-leak-nothing': async (t) => {
    const json = await expectedStats();
    const perRound = 150;
    const rounds: Measurement[] = [];
    const ids: number[] = [];
    for (let round = 0; round < 3; round++) {
      let problem: string | null = null;
      const traffic = browserTraffic(`gzip-preflight/browsers/${round}`, perRound);
      // A dashboard downloads /stats while the preflights come in: a fix must not break responses in flight.
      const download = downloadStats(t.service);
      await inParallel(perRound, 8, t.signal, async (i) => {
        if (problem) return;
        const req = traffic[i]!;
        const r = await t.service.request(req.path, { method: req.method, headers: req.headers, body: req.body });
        problem ??= browserProblem(req, r, ids);
      });
      const downloaded = await download;
      if (problem) return { passed: false, message: problem };
      problem = fullDownloadProblem(downloaded, json) ?? idsProblem(ids);
      if (problem) return { passed: false, message: problem };
      const m = await measureAll(t);
      const live = m.gauges[LIVE];
      const done = formatCount(perRound * (round + 1));
      if (live !== undefined && live > 0) {
        const memory = `RSS is ${formatBytes(m.rss)}, heapUsed ${formatBytes(m.heapUsed)}`;
        return {
          passed: false,
          message: `after ${done} browser requests, ${formatCount(live)} gzip streams are still alive; ${memory}`,
        };
      }
      // Counted by the kit after GC, so compressors made without the lab's ledger count too.
      const gzipObjects = m.counts?.Gzip;
      if (gzipObjects !== undefined && gzipObjects > 0)
        return {
          passed: false,
          message: `after ${done} browser requests and a garbage collection, ${formatCount(gzipObjects)} Gzip objects are still reachable`,
        };
      rounds.push(m);
    }
    const first = rounds[0]!;
    const last = rounds[rounds.length - 1]!;
    const total = formatCount(perRound * rounds.length);
    const growth = last.rss - first.rss;
    // The reference moves RSS by -4 MB .. +5 MB between rounds; a compressor kept per preflight costs
    // about 300 KB of native zlib memory, 100 of them per round about 30 MB.
    if (memoryOnNode(t) && growth > 24 * 1024 * 1024)
      return {
        passed: false,
        message: `no gzip stream is alive, but RSS went from ${formatBytes(first.rss)} to ${formatBytes(last.rss)} over the rounds while heapUsed changed by ${formatBytes(last.heapUsed - first.heapUsed)}`,
      };
    return {
      passed: true,
      message: `${total} browser requests answered like the reference (204 with CORS headers for the dashboards' preflights, none for other origins, every report numbered once); no gzip stream alive afterwards${memoryOnNode(t) ? `; RSS changed by ${formatBytes(growth)} over the rounds` : ''}`,
    };
  },

  'aborted-downloads-leak-nothing': async (t) => {
    const json = await expectedStats();
    const rng = seeded('gzip-preflight/phones');
    const perRound = 12;
    const rounds = 3;
    // RSS to compare with at the end; nothing is counted yet, since no Gzip object may be alive after any round
    const before = await t.service.measure({ gc: t.service.caps.gc });
    let dropped = 0;
    let previous = before;
    /** the patient downloads' timings, taken by the kit's client: [first body byte, end] in ms */
    const timings: [number, number][] = [];
    for (let round = 0; round < rounds; round++) {
      // A patient dashboard downloads the whole document while phones come and go, each giving up at
      // its own point: after the first byte, mid-page, or several pages in.
      const patient = [downloadStats(t.service)];
      await inParallel(perRound, 6, t.signal, async () => {
        const r = await downloadStats(t.service, rng.pick([1, 700, 1024, 2048, 8192, 16_384]));
        if (r.aborted) dropped++;
      });
      for (const r of await Promise.all(patient)) {
        const problem = fullDownloadProblem(r, json);
        if (problem) return { passed: false, message: problem };
        timings.push([r.firstByteMs ?? r.ms ?? 0, r.ms ?? 0]);
      }
      // A moment for the service to notice the last disconnects (a few pages of lab time).
      await sleep(t.ms(PAGE_LAB_MS * 3) + 50);
      const m = await measureAll(t);
      const left = `${formatCount(dropped)} clients left mid-download`;
      const live = m.gauges[LIVE];
      if (live !== undefined && live > 0)
        return {
          passed: false,
          message: `${left} and ${formatCount(live)} gzip streams are still alive`,
        };
      const gzipObjects = m.counts?.Gzip ?? 0;
      if (gzipObjects > 0)
        return {
          passed: false,
          message: `${left}; after a garbage collection ${formatCount(gzipObjects)} Gzip objects are still reachable`,
        };
      previous = m;
    }
    // Streaming, seen from the client: the document's pages are read one page of lab time apart, so a
    // response sent only once it is complete cannot start before all those pauses have passed, while a
    // streamed one starts with the first page. (Timers never fire early; a busy machine only delays the
    // streamed first byte, by far less than the whole document's pauses.)
    const allPauses = t.ms(PAGE_LAB_MS * statsData.STATS_PAGES);
    const late = timings.find(([first]) => first >= allPauses * 0.9);
    if (late)
      return {
        passed: false,
        message: `the full /stats download got its first byte after ${Math.round(late[0])} ms, when the ${statsData.STATS_PAGES} pages take ${allPauses} ms to read: it was sent all at once, where the dashboard renders page by page (/stats has to keep streaming)`,
      };
    const rss = memoryOnNode(t) ? `; RSS changed by ${formatBytes(previous.rss - before.rss)}` : '';
    return {
      passed: true,
      message: `${formatCount(dropped)} clients left mid-download, the full downloads were intact and streamed page by page (first bytes after at most ${Math.round(Math.max(...timings.map(([first]) => first)))} ms of ${Math.round(Math.max(...timings.map(([, end]) => end)))} ms), and no gzip stream is alive${rss}`,
    };
  },

  'compression-still-works': async (t) => {
    const json = await expectedStats();
    const s = t.service;
    const [zipped, plain] = await Promise.all([downloadStats(s), s.request('/stats', { timeoutMs: 30_000 })]);
    const problem = fullDownloadProblem(zipped, json);
    if (problem) return { passed: false, message: problem };
    if (zipped.body.length > json.length / 4)
      return {
        passed: false,
        message: `/stats is ${formatBytes(zipped.body.length)} on the wire for ${formatBytes(json.length)} of JSON: it is hardly compressed`,
      };

    if (plain.status !== 200 || plain.headers['content-encoding'] || plain.body.toString('utf8') !== json)
      return {
        passed: false,
        message: `without Accept-Encoding, GET /stats answered ${plain.status} with Content-Encoding ${plain.headers['content-encoding'] ?? '(none)'} and ${plain.body.length === json.length ? 'the same' : 'a different'} body`,
      };

    const etag = zipped.headers.etag;
    const bodiless: Array<[string, Promise<HttpResult>, number]> = [
      ['HEAD /stats', s.request('/stats', { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } }), 200],
      [
        'a 304 for /stats',
        s.request('/stats', { headers: { 'accept-encoding': 'gzip', 'if-none-match': etag ?? '"none"' } }),
        304,
      ],
      ['a preflight', preflight(s, DASHBOARD_ORIGINS[1]), 204],
    ];
    if (!etag) return { passed: false, message: 'GET /stats no longer sends an ETag, so clients cannot revalidate it' };
    for (const [what, pending, status] of bodiless) {
      const r = await pending;
      if (r.status !== status) return { passed: false, message: `${what} answered ${r.status} instead of ${status}` };
      if (r.headers['content-encoding'])
        return {
          passed: false,
          message: `${what} carries Content-Encoding: ${r.headers['content-encoding']} but has no body`,
        };
      if (r.body.length > 0) return { passed: false, message: `${what} came with a ${r.body.length}-byte body` };
    }

    const post = await postReport(s, DASHBOARD_ORIGINS[2], 1);
    const reply = decode(post);
    // A reply this small may go out uncompressed (standard middleware has a size threshold); it must decode.
    if (post.status !== 202 || reply === null || !/"accepted":\s*true/.test(reply))
      return {
        passed: false,
        message: `POST /report answered ${post.status} with Content-Encoding ${post.headers['content-encoding'] ?? '(none)'} and body ${JSON.stringify(reply)}`,
      };

    return {
      passed: true,
      message: `/stats is ${formatBytes(zipped.body.length)} gzip for ${formatBytes(json.length)} of JSON and decodes exactly; HEAD, 304 and 204 carry no body and no Content-Encoding; reports are answered`,
    };
  },
});
