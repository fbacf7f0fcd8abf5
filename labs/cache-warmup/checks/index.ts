// Hidden checks for the cache warm-up lab. Every task sends seeded traffic over the whole surface
// (checks/traffic.ts) and compares each answer with the reference search (checks/oracle.ts). Memory is
// judged as growth between storms, from the kit's own measurements after GC: live CachedResponse
// objects, timers and handles, and the heap. The service's gauges are computed by the reader's cache,
// so they are never read here.
import { defineChecks, formatBytes, formatCount, type CheckContext, type Measurement } from '#kit';
import { expected, send, type Sent } from './oracle.ts';
import { Traffic, type SearchRequest } from './traffic.ts';

/** The most responses a bounded cache may keep (task description). The reference keeps 200. */
export const MAX_RESPONSES = 500;
/** Of the repeats of a popular search, at least this share must be hits (task description: 4 of 5). */
export const MIN_POPULAR_HIT_SHARE = 0.8;

const STORM = 550; // > MAX_RESPONSES: a cache that stops admitting entries is full after this storm
const SHOPPERS = 300; // bounded-cache starts with shoppers' searches (large pages), popular ones mixed in
const CRAWL = 250; // then a crawler's deep pages with long tracking parameters (small pages, long keys)
const PROBE_POOL = 600; // then short product-code probes: a pool of them asked in turn (each ask a miss)
const PROBE_WARM = 1200; // in one storm, which fills the cache with probe pages and warms the service's JIT
const PROBES = 500; // new searches in each judged storm
const JUDGED = 3; // storms after the first probe storm: their heap growth is judged
const LOOKALIKE_FAMILIES = 54; // still-a-cache: families of different searches that look alike

// Heap after GC, compiled code and bytecode left out (Measurement.codeHeap), a second measurement right
// after the first, so that what the last requests left in flight is gone: the change over the judged
// storms (3 x 500 new probes) that a change in live responses does not explain. Probes cost little to
// answer, so thousands fit in a Check. Before them a warm-up storm asks a pool of probes in turn: the
// service's JIT adds 100-200 KB of code over the first few thousand requests (left out here), and a
// pool adds no new distinct queries, so a side index with an entry per query more than doubles during
// the judged storms, whatever an entry costs (a Map or Set grows in steps). The data the JIT keeps for
// its code still grows by tens of KB during the first storms of new probes unless V8 collects all it
// can in between: each measurement counts live responses, which makes it do so, hence storms of 500.
// Measured on Node 22 with both cores busy (load 5-10, several runs): the reference (LRU of 200) +8 ..
// +14 KB, other right caches (FIFO, LFU, canonical keys, a byte budget, clear-when-full) +6 .. +12 KB,
// two generations +15 .. +26 KB; an LRU plus a Set of a 32-bit fingerprint per query +59 .. +62 KB (the
// Set's slots doubling; its numbers cost nothing between steps); LFU counts or keys kept per query far
// more, expiry timers kept per query one timer each. The limit, 28 bytes per new query (42 KB), sits
// about 16 KB from both.
const MAX_UNEXPLAINED_PER_QUERY = 28;
const MAX_UNEXPLAINED_GROWTH = MAX_UNEXPLAINED_PER_QUERY * JUDGED * PROBES; // 42,000 bytes
// Timers and handles: the reference's count is the same after every storm (the kit's own interval, the
// HTTP sockets of the 8 clients). More than this many per storm is something kept per query.
const MAX_RESOURCE_GROWTH = 8;

/** Retained size of one cached response for a request: body and key strings plus object and map slot. */
function entryBytes(req: SearchRequest): number {
  return expected(req).body.length + req.path.length + 120;
}

/** The heap in use less compiled code and bytecode: what the JIT adds while it warms up is not data. */
function dataHeap(m: Measurement): number {
  return m.heapUsed - (m.codeHeap ?? 0);
}

function crashed(t: CheckContext): string | null {
  const exit = t.service.exits().find((e) => e.reason !== 'stopped');
  return exit ? `the service went down (${exit.message})` : null;
}

/** What went wrong while sending traffic: a crash explains a wrong answer, so it is named first. */
function problem(t: CheckContext, sent: Sent): { passed: false; message: string } | null {
  const message = crashed(t) ?? sent.wrong;
  return message ? { passed: false, message } : null;
}

function resourceGrowth(a: Measurement, b: Measurement): Array<[string, number]> {
  const kinds = new Set([...Object.keys(a.resources ?? {}), ...Object.keys(b.resources ?? {})]);
  return [...kinds]
    .map((k): [string, number] => [k, (b.resources?.[k] ?? 0) - (a.resources?.[k] ?? 0)])
    .filter(([, d]) => d > 0);
}

export default defineChecks({
  'bounded-cache': async (t) => {
    const traffic = new Traffic('cache-warmup/bounded');
    const canCount = t.service.caps.queryObjects;
    const measure = async () => {
      await t.service.measure({ gc: true }); // settles what the last requests left in flight
      return t.service.measure({ gc: true, count: canCount ? ['CachedResponse'] : undefined, resources: true });
    };
    // Shoppers' one-offs with the popular searches mixed in, then a crawler's deep pages (long keys).
    const shoppers = await send(t, traffic.phases(traffic.mixed(traffic.oneOffs(SHOPPERS), 2)));
    const shoppersFailed = problem(t, shoppers);
    if (shoppersFailed) return shoppersFailed;
    const crawl = await send(t, traffic.phases(traffic.oneOffs(CRAWL, 'crawler')));
    const crawlFailed = problem(t, crawl);
    if (crawlFailed) return crawlFailed;
    const rounds: Measurement[] = [await measure()];
    // Then short probes: a warm-up storm asks a pool of them in turn (for a cache of at most 500 in LRU
    // order each ask is a miss), which leaves only probe pages in the cache, so the judged storms of new
    // probes after it compare like with like.
    let unexplained = 0;
    const pool = traffic.oneOffs(PROBE_POOL, 'probe');
    for (let r = 0; r <= JUDGED; r++) {
      const probes =
        r === 0
          ? Array.from({ length: PROBE_WARM }, (_, i) => pool[i % pool.length]!)
          : traffic.oneOffs(PROBES, 'probe');
      const sent = await send(t, [{ kind: 'burst', requests: probes }]);
      const failed = problem(t, sent);
      if (failed) return failed;
      const m = await measure();
      const prev = rounds[rounds.length - 1]!;
      const perEntry = probes.reduce((sum, q) => sum + entryBytes(q), 0) / probes.length;
      const liveDelta = (m.counts?.CachedResponse ?? 0) - (prev.counts?.CachedResponse ?? 0);
      if (r > 0) unexplained += dataHeap(m) - dataHeap(prev) - liveDelta * perEntry;
      rounds.push(m);
    }
    const asked = SHOPPERS + traffic.popular.length * 2 + CRAWL + PROBE_WARM + JUDGED * PROBES;
    const distinct = SHOPPERS + traffic.popular.length + CRAWL + PROBE_POOL + JUDGED * PROBES;
    const searches = `${formatCount(asked)} searches (${formatCount(distinct)} distinct)`;
    const last = rounds[rounds.length - 1]!;
    if (canCount) {
      const alive = rounds.map((m) => m.counts!.CachedResponse!);
      const most = Math.max(...alive);
      if (most > MAX_RESPONSES)
        return {
          passed: false,
          message: `after ${searches} ${formatCount(most)} responses are still alive after a full GC; a bounded cache keeps at most ${formatCount(MAX_RESPONSES)}`,
        };
    }
    for (let r = 1; r < rounds.length; r++) {
      const grown = resourceGrowth(rounds[r - 1]!, rounds[r]!).filter(([, d]) => d > MAX_RESOURCE_GROWTH);
      if (grown.length)
        return {
          passed: false,
          message: `storm ${r} of ${r === 1 ? `${formatCount(PROBE_WARM)} searches` : `${formatCount(PROBES)} new searches`} left ${grown.map(([k, d]) => `${formatCount(d)} more ${k}`).join(', ')} alive (timers or handles kept per query)`,
        };
    }
    const perQuery = unexplained / (JUDGED * PROBES);
    if (last.afterGc && unexplained > MAX_UNEXPLAINED_GROWTH)
      return {
        passed: false,
        message: `over ${JUDGED} storms of ${formatCount(PROBES)} new searches the heap after GC (compiled code left out) grew by ${formatBytes(unexplained)} (${Math.round(perQuery)} bytes per new search) more than the responses in the cache account for: something is kept for every query`,
      };
    const aliveNote = canCount
      ? `, ${rounds.map((m) => formatCount(m.counts!.CachedResponse!)).join(' → ')} responses alive after each storm`
      : '';
    const heapNote = last.afterGc
      ? `, heap after GC (compiled code left out) ${formatBytes(unexplained)} beyond what the cached responses hold`
      : '';
    return {
      passed: true,
      message: `after ${searches} every answer was right${aliveNote}${heapNote}`,
    };
  },

  'still-a-cache': async (t) => {
    const traffic = new Traffic('cache-warmup/popular');
    // A storm first: a cache that stops admitting entries once full shows itself on the popular queries.
    const storm = await send(t, traffic.phases(traffic.oneOffs(STORM)));
    const stormFailed = problem(t, storm);
    if (stormFailed) return stormFailed;
    // Different searches that look alike (a long shared run of tracking parameters, repeated parameters):
    // the first of each family is answered before its look-alikes are asked.
    const [firsts, alikes] = traffic.lookalikes(LOOKALIKE_FAMILIES);
    for (const wave of [firsts, alikes]) {
      const sent = await send(t, [{ kind: 'burst', requests: wave }]);
      const failed = problem(t, sent);
      if (failed) return failed;
    }
    const browse = await send(t, traffic.phases(traffic.mixed(traffic.oneOffs(100), 8)));
    const browseFailed = problem(t, browse);
    if (browseFailed) return browseFailed;
    const { popularHits: hits, popularRepeats: repeats } = browse;
    const popular = `${traffic.popular.length} popular searches`;
    if (hits < MIN_POPULAR_HIT_SHARE * repeats)
      return {
        passed: false,
        message: `right after a storm of ${formatCount(STORM)} one-off searches, ${popular} asked again ${formatCount(repeats)} times were answered from the cache only ${formatCount(hits)} times`,
      };
    return {
      passed: true,
      message: `after a storm, ${formatCount(hits)} of ${formatCount(repeats)} repeats of ${popular} came from the cache, and every answer matched its query`,
    };
  },
});
