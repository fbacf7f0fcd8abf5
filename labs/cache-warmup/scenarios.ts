// Scenario drivers for the cache warm-up lab: bounded, seeded load on the product-lookup service.
import { defineScenarios, forEachLimit, formatCount, type ScenarioContext } from '#kit';

// The words come from the lab's read-only catalogue (app/catalog.ts), loaded by URL as the checks do:
// app/ exists only in the lab's workspace.
const { ADJECTIVES, NOUNS } = (await import(new URL('./app/catalog.ts', import.meta.url).href)) as {
  ADJECTIVES: readonly string[];
  NOUNS: readonly string[];
};

/** The popular searches: what most shoppers type, again and again. */
export const POPULAR = [
  'teal lamp',
  'walnut desk',
  'linen pillow',
  'brass clock',
  'sage rug',
  'oak shelf',
  'velvet sofa',
  'amber candle',
].flatMap((q) => [
  `?q=${encodeURIComponent(q)}&page=1`,
  `?q=${encodeURIComponent(q)}&page=2`,
  `?q=${encodeURIComponent(q)}&page=3`,
]);

export const BROWSE_REQUESTS = 200;
export const STORM_REQUESTS = 400;
// Each storm continues where the last one stopped, so every storm brings queries never seen before.
let stormRound = 0;

const SORTS = ['relevance', 'price', 'name'];

/** The n-th distinct long-tail query: adjective × noun × page 1-3 × sort order, 14,400 before any repeats. */
export function stormQuery(n: number): string {
  const combos = ADJECTIVES.length * NOUNS.length;
  const i = n % (combos * 9);
  const adj = ADJECTIVES[i % ADJECTIVES.length];
  const noun = NOUNS[Math.floor(i / ADJECTIVES.length) % NOUNS.length];
  const page = 1 + (Math.floor(i / combos) % 3);
  const sort = SORTS[Math.floor(i / (combos * 3))];
  return `?q=${encodeURIComponent(`${adj} ${noun}`)}&page=${page}&sort=${sort}`;
}

async function get(s: ScenarioContext, query: string): Promise<void> {
  const r = await s.service.request('/search' + query, { timeoutMs: 5000 });
  if (r.error && !s.signal.aborted) throw new Error(`the service stopped answering (${r.error})`);
}

export default defineScenarios({
  browse: async (s) => {
    let done = 0;
    await forEachLimit(
      BROWSE_REQUESTS,
      4,
      async (i) => {
        await get(s, POPULAR[i % POPULAR.length]);
        if (++done % 50 === 0) s.progress(`${formatCount(done)} of ${formatCount(BROWSE_REQUESTS)} searches`);
      },
      s.signal,
    );
    return `${formatCount(done)} searches for ${POPULAR.length} popular queries`;
  },
  'search-storm': async (s) => {
    const first = stormRound++ * STORM_REQUESTS;
    let done = 0;
    await forEachLimit(
      STORM_REQUESTS,
      8,
      async (i) => {
        await get(s, stormQuery(first + i));
        if (++done % 100 === 0) s.progress(`${formatCount(done)} of ${formatCount(STORM_REQUESTS)} distinct searches`);
      },
      s.signal,
    );
    return `${formatCount(done)} distinct searches, none repeated`;
  },
});
