// The product catalogue and its search: deterministic (seeded), so every run sees the same products.
export interface Product {
  id: number;
  name: string;
  price: number;
  tags: string[];
  description: string;
}

export interface SearchPage {
  query: string;
  page: number;
  sort: SortOrder;
  total: number;
  results: Product[];
}

export const ADJECTIVES = [
  'amber',
  'brass',
  'cedar',
  'coral',
  'denim',
  'ebony',
  'frost',
  'golden',
  'granite',
  'hazel',
  'indigo',
  'ivory',
  'jade',
  'khaki',
  'lemon',
  'linen',
  'maple',
  'marble',
  'navy',
  'olive',
  'onyx',
  'pearl',
  'plum',
  'quartz',
  'rose',
  'ruby',
  'rust',
  'sage',
  'sand',
  'scarlet',
  'silver',
  'slate',
  'smoke',
  'teal',
  'tidal',
  'umber',
  'velvet',
  'walnut',
  'willow',
  'zinc',
];
export const NOUNS = [
  'armchair',
  'backpack',
  'blanket',
  'bookcase',
  'bottle',
  'bowl',
  'candle',
  'carpet',
  'chair',
  'clock',
  'cushion',
  'desk',
  'drawer',
  'easel',
  'fan',
  'frame',
  'glass',
  'hammock',
  'hanger',
  'jar',
  'kettle',
  'ladder',
  'lamp',
  'lantern',
  'mirror',
  'mug',
  'notebook',
  'ottoman',
  'pan',
  'pillow',
  'planter',
  'rug',
  'shelf',
  'sofa',
  'stool',
  'table',
  'teapot',
  'towel',
  'tray',
  'vase',
];
const WORDS = [
  'sturdy',
  'hand-finished',
  'recycled',
  'compact',
  'generous',
  'quiet',
  'bright',
  'soft',
  'stackable',
  'classic',
  'modern',
  'durable',
];

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildCatalogue(): Product[] {
  const rand = prng(20240611);
  const products: Product[] = [];
  for (let i = 0; i < 3200; i++) {
    const adj = ADJECTIVES[Math.floor(rand() * ADJECTIVES.length)];
    const noun = NOUNS[Math.floor(rand() * NOUNS.length)];
    const sentences: string[] = [];
    for (let s = 0; s < 4; s++) {
      const w = () => WORDS[Math.floor(rand() * WORDS.length)];
      sentences.push(`A ${w()}, ${w()} ${noun} in ${adj}, made to last and easy to care for`);
    }
    products.push({
      id: 1000 + i,
      name: `${adj} ${noun}`,
      price: Math.round(500 + rand() * 25000) / 100,
      tags: [adj, noun, WORDS[i % WORDS.length]],
      description: sentences.join('. ') + '.',
    });
  }
  return products;
}

const catalogue = buildCatalogue();
export const PAGE_SIZE = 24;

// tag -> products carrying it, so a search touches only the products that can match
const byTag = new Map<string, Product[]>();
for (const p of catalogue) {
  for (const tag of p.tags) {
    const list = byTag.get(tag);
    if (list) list.push(p);
    else byTag.set(tag, [p]);
  }
}

export type SortOrder = 'relevance' | 'price' | 'name';

/** Products matching any word of the query, in the asked order (best matches first by default), one page. */
export function search(query: string, page: number, sort: SortOrder = 'relevance'): SearchPage {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  const scores = new Map<Product, number>();
  for (const t of new Set(terms)) for (const p of byTag.get(t) ?? []) scores.set(p, (scores.get(p) ?? 0) + 1);
  const scored = [...scores].map(([p, score]) => ({ p, score }));
  if (sort === 'price') scored.sort((a, b) => a.p.price - b.p.price || a.p.id - b.p.id);
  else if (sort === 'name') scored.sort((a, b) => a.p.name.localeCompare(b.p.name) || a.p.id - b.p.id);
  else scored.sort((a, b) => b.score - a.score || a.p.id - b.p.id);
  const safePage = Number.isInteger(page) && page > 0 ? page : 1;
  const start = (safePage - 1) * PAGE_SIZE;
  return {
    query,
    page: safePage,
    sort,
    total: scored.length,
    results: scored.slice(start, start + PAGE_SIZE).map((s) => s.p),
  };
}
