// Seeded traffic for the cache checks: the whole surface of the search service, not one shape of it.
// One-off searches (real words, deep pages, odd parameters, tracking parameters, mixed case, unicode),
// popular searches asked again and again, look-alike searches (long shared tracking parameters,
// repeated parameters), short product-code probes by the thousand, HEAD/POST/OPTIONS, unknown paths.
// Every generator is seeded, so each Check sends exactly the same requests.
import { seeded, type Rng } from '#kit';
import { ADJECTIVES, NOUNS } from './catalog.ts';

export interface SearchRequest {
  method: string;
  path: string;
  /** a popular search (asked many times) rather than a one-off */
  popular?: boolean;
}

const TAG_WORDS = ['sturdy', 'recycled', 'compact', 'quiet', 'modern', 'durable'];
const SORTS = ['relevance', 'price', 'name'];

function word(rng: Rng): string {
  return rng.pick(rng.chance(0.5) ? ADJECTIVES : NOUNS);
}

function hex(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += rng.int(0, 15).toString(16);
  return s;
}

/** The query words of a one-off search, sometimes written the way real people and bots write them. */
function terms(rng: Rng): string {
  const words = Array.from({ length: rng.int(1, 3) }, () => (rng.chance(0.1) ? rng.pick(TAG_WORDS) : word(rng)));
  const roll = rng.next();
  if (roll < 0.08) return words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
  if (roll < 0.13) return '  ' + words.join('   ') + ' ';
  if (roll < 0.17) return words.join(' ') + ' café';
  if (roll < 0.2) return words.join(' ') + ' ✓';
  return words.join(' ');
}

/** Query parameters in the order and spelling a client chose; `q` is always first unless shuffled. */
function encode(params: Array<[string, string]>, rng: Rng): string {
  const ordered = rng.chance(0.1) ? rng.shuffle(params) : params;
  const plus = rng.chance(0.1);
  return (
    '?' +
    ordered
      .map(([k, v]) => `${k}=${plus ? encodeURIComponent(v).replace(/%20/g, '+') : encodeURIComponent(v)}`)
      .join('&')
  );
}

/** A one-off search with ordinary or unusual parameters (page 0, page "abc", sort in capitals, no q …). */
function oneOff(rng: Rng): string {
  const params: Array<[string, string]> = [];
  if (!rng.chance(0.02)) params.push(['q', terms(rng)]);
  const pageRoll = rng.next();
  if (pageRoll < 0.7) params.push(['page', String(rng.int(1, 3))]);
  else if (pageRoll < 0.85) params.push(['page', rng.pick(['0', '-1', 'abc', '2.5', '', '1e0', '007'])]);
  else if (pageRoll < 0.9) params.push(['page', String(rng.int(20, 400))]);
  const sortRoll = rng.next();
  if (sortRoll < 0.5) params.push(['sort', rng.pick(SORTS)]);
  else if (sortRoll < 0.58) params.push(['sort', rng.pick(['PRICE', 'cheapest', '', 'name '])]);
  if (rng.chance(0.05)) params.push(['q', word(rng)]); // a repeated q: the first one counts
  return encode(params, rng);
}

/**
 * A crawler's one-off: a deep page with long tracking parameters, so the response is small and the query
 * string long (about 650 characters). Storms of these keep the heap from the responses small, which makes
 * anything else the cache keeps per query (keys, tombstones, timers) stand out.
 */
function crawl(rng: Rng): string {
  const params: Array<[string, string]> = [
    ['q', `${word(rng)} ${word(rng)}`],
    ['page', String(rng.int(300, 900))],
    ['utm_source', rng.pick(['crawler', 'newsletter', 'partner-feed'])],
    ['utm_campaign', `spring-${hex(rng, 6)}`],
    ['gclid', hex(rng, 96)],
    ['session', hex(rng, 480)],
  ];
  if (rng.chance(0.5)) params.push(['sort', rng.pick(SORTS)]);
  return encode(params, rng);
}

/** Tracking parameters of about `length` characters (no leading "&"), the kind a campaign link carries. */
function tracking(rng: Rng, length: number): string {
  let s = `utm_source=${rng.pick(['newsletter', 'partner-feed', 'crawler'])}&utm_medium=email&utm_campaign=spring-${hex(rng, 6)}`;
  let n = 0;
  while (s.length < length - 8)
    s += `&utm_content${n++ || ''}=${hex(rng, Math.min(90, Math.max(4, length - s.length - 16)))}`;
  return s;
}

/** Shared lengths of look-alike query strings: a key cut anywhere up to a few kilobytes meets one of them. */
const SHARED_LENGTHS = [60, 110, 160, 260, 420, 700, 1100, 1800, 3000];

/**
 * Families of different searches whose query strings look alike: they share a long run of characters
 * (tracking parameters first, or last) and differ only in q, page or sort at one end, or they repeat a
 * parameter (the service searches with the first q, page and sort) next to the spellings a cache that
 * merges repeats would confuse with it. The first member of every family is answered before the others
 * are asked, so a cache that gives two of them one entry answers the later ones from it.
 */
function lookalikeFamily(rng: Rng, i: number): string[][] {
  const a = word(rng);
  let b = word(rng);
  while (b === a) b = word(rng);
  const e = encodeURIComponent;
  const page = rng.int(1, 2);
  if (i % 3 === 2) {
    // repeated parameters and their look-alikes; the repeated form first or last
    const roll = rng.int(0, 3);
    let family: string[];
    if (roll === 0)
      family = [
        `?q=${e(a)}&q=${e(b)}&page=${page}`,
        `?q=${e(`${a} ${b}`)}&page=${page}`,
        `?q=${e(`${a},${b}`)}&page=${page}`,
        `?q=${e(a + b)}&page=${page}`,
        `?q=${e(b)}&page=${page}`,
        `?q=${e(b)}&q=${e(a)}&page=${page}`,
      ];
    else if (roll === 1)
      family = [`?q=&q=${e(a)}&page=${page}`, `?q=${e(a)}&page=${page}`, `?q=${e(` ${a}`)}&page=${page}`];
    else if (roll === 2) family = [`?q=${e(a)}&page=1&page=2`, `?q=${e(a)}&page=2`, `?q=${e(a)}&page=1,2`];
    else family = [`?q=${e(a)}&sort=name&sort=price`, `?q=${e(a)}&sort=price`, `?q=${e(a)}&sort=name,price`];
    const [repeated, ...alike] = family;
    return rng.chance(0.5) ? [[repeated!], alike] : [alike, [repeated!]];
  }
  const tail = tracking(rng, SHARED_LENGTHS[Math.floor(i / 3) % SHARED_LENGTHS.length]!);
  const q = rng.chance(0.5) ? `${a} ${b}` : a;
  const sort = rng.pick(['name', 'price']);
  const other = sort === 'name' ? 'price' : 'name';
  const ends: Array<[string, string]> = [
    [`q=${e(q)}&page=${page}&sort=${sort}`, `q=${e(q)}&page=${3 - page}&sort=${sort}`],
    [`q=${e(q)}&page=${page}&sort=${sort}`, `q=${e(q)}&page=${page}&sort=${other}`],
    [`page=${page}&q=${e(a)}`, `page=${page}&q=${e(`${a} ${b}`)}`],
  ];
  const [first, second] = rng.pick(ends);
  // the difference at the very end (a key cut after some characters) or at the very start (a key that
  // keeps only its end)
  return i % 2 ? [[`?${tail}&${first}`], [`?${tail}&${second}`]] : [[`?${first}&${tail}`], [`?${second}&${tail}`]];
}

/** A crawler probing product codes: a short query string and an empty page, cheap to ask in thousands. */
function probe(rng: Rng): string {
  return encode(
    [['q', `sku ${hex(rng, 8)}`], ...(rng.chance(0.5) ? [['page', String(rng.int(1, 3))] as [string, string]] : [])],
    rng,
  );
}

const ODD_PATHS = ['/', '/search/', '/SEARCH', '/search.json', '/favicon.ico', '/api/search', '/search%2F'];

/** Requests the service answers without searching: unknown paths and methods other than GET. */
function rare(rng: Rng, query: string): SearchRequest {
  const roll = rng.next();
  if (roll < 0.4) return { method: 'GET', path: rng.pick(ODD_PATHS) + (rng.chance(0.5) ? query : '') };
  if (roll < 0.7) return { method: 'HEAD', path: '/search' + query };
  if (roll < 0.85) return { method: 'POST', path: '/search' + query };
  return { method: 'OPTIONS', path: '/search' + query };
}

/** Distinct one-off searches (never repeated within one generator) plus the odd rare request. */
export class Traffic {
  private readonly rng: Rng;
  private readonly seen = new Set<string>();
  readonly popular: string[];

  constructor(seed: string, popularCount = 24) {
    this.rng = seeded(seed);
    const pick = this.rng.fork('popular');
    const popular = new Set<string>();
    while (popular.size < popularCount) {
      const q = `${pick.pick(ADJECTIVES)} ${pick.pick(NOUNS)}`;
      const shown = pick.chance(0.15) ? q.toUpperCase() : q;
      const params: Array<[string, string]> = [
        ['q', shown],
        ['page', String(pick.int(1, 3))],
      ];
      if (pick.chance(0.4)) params.push(['sort', pick.pick(SORTS)]);
      popular.add(encode(params, pick));
    }
    this.popular = [...popular];
    for (const p of this.popular) this.seen.add(p);
  }

  private fresh(make: (rng: Rng) => string): string {
    for (;;) {
      const q = make(this.rng);
      if (!this.seen.has(q)) {
        this.seen.add(q);
        return q;
      }
    }
  }

  /** `n` one-off searches, about one in twenty-five replaced by a rare request; crawler-style if asked. */
  oneOffs(n: number, style: 'shoppers' | 'crawler' | 'probe' = 'shoppers'): SearchRequest[] {
    return Array.from({ length: n }, () => {
      const query = this.fresh(style === 'crawler' ? crawl : style === 'probe' ? probe : oneOff);
      return this.rng.chance(0.04) ? rare(this.rng, query) : { method: 'GET', path: '/search' + query };
    });
  }

  /**
   * Look-alike searches (see lookalikeFamily) in two waves: the first member of every family, then the
   * rest. Send the waves one after the other.
   */
  lookalikes(families: number): [SearchRequest[], SearchRequest[]] {
    const waves: [SearchRequest[], SearchRequest[]] = [[], []];
    for (let i = 0; i < families; i++) {
      const family = lookalikeFamily(this.rng, i);
      if (family.flat().some((q) => this.seen.has(q))) continue;
      family.forEach((wave, w) => {
        for (const q of wave) {
          this.seen.add(q);
          waves[w]!.push({ method: 'GET', path: '/search' + q });
        }
      });
    }
    return [this.rng.shuffle(waves[0]), this.rng.shuffle(waves[1])];
  }

  /** one-off searches with the popular ones mixed in, `perPopular` times each, in a seeded order */
  mixed(oneOffs: SearchRequest[], perPopular: number): SearchRequest[] {
    const popular = this.popular.flatMap((p) =>
      Array.from({ length: perPopular }, () => ({ method: 'GET', path: '/search' + p, popular: true })),
    );
    return this.rng.shuffle([...oneOffs, ...popular]);
  }

  /** a seeded split of a request list into bursts (many clients at once) and trickles (one client, pauses) */
  phases(requests: SearchRequest[]): Array<{ kind: 'burst' | 'trickle'; requests: SearchRequest[] }> {
    const out: Array<{ kind: 'burst' | 'trickle'; requests: SearchRequest[] }> = [];
    let i = 0;
    while (i < requests.length) {
      const kind = this.rng.chance(0.7) ? 'burst' : 'trickle';
      const n = kind === 'burst' ? this.rng.int(60, 160) : this.rng.int(8, 20);
      out.push({ kind, requests: requests.slice(i, i + n) });
      i += n;
    }
    return out;
  }
}
