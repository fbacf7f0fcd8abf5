// Hidden checks for the cache warm-up lab. Portable core: the service's own gauges (entries, hits) and
// its responses. Where the runtime can (real Node): live CachedResponse objects and heap after GC.
import { defineChecks, formatBytes, formatCount } from '#kit';
import { BROWSE_REQUESTS, POPULAR, STORM_REQUESTS } from '../scenarios.ts';

const MAX_ENTRIES = 400;
const MAX_HEAP_GROWTH = 2 * 1024 * 1024;

function gauge(m: { gauges: Record<string, number> }, name: string): number {
  const v = m.gauges[name];
  if (typeof v !== 'number') throw new Error(`the service no longer reports its "${name}" gauge, so the cache cannot be observed`);
  return v;
}

export default defineChecks({
  'bounded-cache': async (t) => {
    const caps = t.service.caps;
    const count = caps.queryObjects ? ['CachedResponse'] : undefined;
    await t.runScenario('search-storm');
    const first = await t.service.measure({ gc: true, count });
    await t.runScenario('search-storm');
    const second = await t.service.measure({ gc: true, count });
    const crashed = t.service.exits().find((e) => e.reason !== 'stopped');
    if (crashed) return { passed: false, message: `the service went down during the storms: ${crashed.message}` };
    const searches = formatCount(2 * STORM_REQUESTS);
    const entries = gauge(second, 'cache entries');
    if (entries > MAX_ENTRIES)
      return { passed: false, message: `after ${searches} distinct searches the cache holds ${formatCount(entries)} responses; a bounded cache keeps at most ${formatCount(MAX_ENTRIES)}` };
    const alive = second.counts?.CachedResponse;
    if (alive !== undefined && alive > MAX_ENTRIES)
      return { passed: false, message: `after ${searches} distinct searches and a full GC, ${formatCount(alive)} CachedResponse objects are still alive` };
    const growth = second.heapUsed - first.heapUsed;
    if (second.afterGc && growth > MAX_HEAP_GROWTH)
      return { passed: false, message: `the heap after GC grew by ${formatBytes(growth)} from the first storm to the second; a bounded cache stays flat` };
    const heapNote = second.afterGc ? `, heap after GC changed by ${formatBytes(growth)} between storms` : '';
    const aliveNote = alive !== undefined ? ` (${formatCount(alive)} responses alive)` : '';
    return { passed: true, message: `after ${searches} distinct searches the cache holds ${formatCount(entries)} entries${aliveNote}${heapNote}` };
  },

  'still-a-cache': async (t) => {
    // A storm first: a cache that stops admitting entries once full shows itself on the popular queries.
    await t.runScenario('search-storm');
    const before = gauge(await t.service.measure(), 'cache hits');
    await t.runScenario('browse');
    const hits = gauge(await t.service.measure(), 'cache hits') - before;
    const needed = BROWSE_REQUESTS - POPULAR.length * 2;
    if (hits < needed)
      return { passed: false, message: `${formatCount(BROWSE_REQUESTS)} searches for ${POPULAR.length} popular queries were answered from the cache only ${formatCount(hits)} times` };
    // Every answer must belong to its own query, first time and from the cache.
    for (const query of [POPULAR[0], POPULAR[4], POPULAR[9], '?q=zinc%20kettle&page=2', '?q=zinc%20kettle&page=2&sort=price', '?q=zinc%20kettle&page=3&sort=price']) {
      const params = new URLSearchParams(query);
      for (const round of ['first', 'repeat']) {
        const r = await t.service.request('/search' + query);
        let page: { query?: string; page?: number; sort?: string; results?: unknown[] };
        try {
          page = JSON.parse(r.body.toString('utf8'));
        } catch {
          return { passed: false, message: `a search for "${params.get('q')}" (${round} time) did not return JSON (status ${r.status})` };
        }
        const sort = params.get('sort') ?? 'relevance';
        if (r.status !== 200 || page.query !== params.get('q') || page.page !== Number(params.get('page')) || page.sort !== sort || !Array.isArray(page.results) || page.results.length === 0)
          return {
            passed: false,
            message: `a search for "${params.get('q')}" page ${params.get('page')} by ${sort} (${round} time) was answered with the results of "${page.query}" page ${page.page} by ${page.sort}`,
          };
      }
    }
    return { passed: true, message: `${formatCount(hits)} of ${formatCount(BROWSE_REQUESTS)} popular searches came from the cache after a storm, and every response matched its query` };
  },
});
