// The numbers behind GET /stats: per-origin, per-day report counts, generated from a fixed seed so every
// run serves byte-identical JSON. Highly repetitive text, like real dashboard data: gzip shrinks it ~10x.
// Read-only: part of the lab's plumbing.
const ORIGINS = [
  'https://dash.example.com',
  'https://ops.example.com',
  'https://m.example.com',
  'https://partners.example.net',
];
const PAGES = ['/checkout', '/search', '/cart', '/account', '/home', '/orders'];
const PAGE_ROWS = 600;
export const STATS_PAGES = 24;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The JSON body, split at row boundaries: '{"rows":[' + page 0 + ',' + page 1 ... + ']}'. */
function buildPages(): string[] {
  const rand = mulberry32(20240611);
  const pages: string[] = [];
  for (let p = 0; p < STATS_PAGES; p++) {
    const rows: string[] = [];
    for (let r = 0; r < PAGE_ROWS; r++) {
      const row = {
        day: `2024-06-${String(1 + ((p * PAGE_ROWS + r) % 30)).padStart(2, '0')}`,
        origin: ORIGINS[Math.floor(rand() * ORIGINS.length)],
        page: PAGES[Math.floor(rand() * PAGES.length)],
        reports: Math.floor(rand() * 500),
        errors: Math.floor(rand() * 8),
        p95Ms: 120 + Math.floor(rand() * 40) * 5,
      };
      rows.push(JSON.stringify(row));
    }
    const head = p === 0 ? '{"generated":"2024-06-30T00:00:00Z","rows":[' : ',';
    const tail = p === STATS_PAGES - 1 ? ']}' : '';
    pages.push(head + rows.join(',') + tail);
  }
  return pages;
}

export const statsPages: readonly string[] = buildPages();
export const statsJson: string = statsPages.join('');
/** The document only changes when the seed or the generator does. */
export const statsEtag = '"stats-20240611-v1"';
