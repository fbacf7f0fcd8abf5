// A memo cache for rendered search responses, bounded: it keeps the most recently used entries and
// evicts the least recently used one when full (LRU). A Map iterates in insertion order, so
// re-inserting on every hit keeps the coldest entry first.
export class CachedResponse {
  readonly body: string;
  readonly createdAt: number;

  constructor(body: string) {
    this.body = body;
    this.createdAt = Date.now();
  }
}

/**
 * The key is what the search actually reads from the query string, normalised the way server.ts and
 * search() read it, so "?q=lamp&utm_source=x" and "?q=lamp" share one entry: their answers are identical.
 */
function searchKey(queryString: string): string {
  const params = new URLSearchParams(queryString);
  const sort = params.get('sort');
  const order = sort === 'price' || sort === 'name' ? sort : 'relevance';
  const page = Number(params.get('page') ?? '1');
  const safePage = Number.isInteger(page) && page > 0 ? page : 1;
  return JSON.stringify([params.get('q') ?? '', safePage, order]);
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  readonly maxEntries: number;
  hits = 0;
  misses = 0;

  constructor(maxEntries = 500) {
    this.maxEntries = maxEntries;
  }

  get(queryString: string): CachedResponse | undefined {
    const key = searchKey(queryString);
    const entry = this.entries.get(key);
    if (entry) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, entry); // now the most recently used
    } else {
      this.misses++;
    }
    return entry;
  }

  set(queryString: string, entry: CachedResponse): void {
    const key = searchKey(queryString);
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const coldest = this.entries.keys().next().value as string;
      this.entries.delete(coldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
