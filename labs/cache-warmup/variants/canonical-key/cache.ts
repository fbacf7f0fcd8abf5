// Right fix, with a smarter key: the response depends only on q, the page the search settles on and the
// sort order, so "?page=1&q=lamp", "?q=lamp" and "?q=lamp&page=1&utm_source=x" share one entry.
export class CachedResponse {
  readonly body: string;
  readonly createdAt: number;

  constructor(body: string) {
    this.body = body;
    this.createdAt = Date.now();
  }
}

function canonical(search: string): string {
  const params = new URLSearchParams(search);
  const page = Number(params.get('page') ?? '1');
  const sort = params.get('sort');
  return JSON.stringify([
    params.get('q') ?? '',
    Number.isInteger(page) && page > 0 ? page : 1,
    sort === 'price' || sort === 'name' ? sort : 'relevance',
  ]);
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  readonly maxEntries = 200;
  hits = 0;
  misses = 0;

  get(search: string): CachedResponse | undefined {
    const key = canonical(search);
    const entry = this.entries.get(key);
    if (entry) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, entry);
    } else {
      this.misses++;
    }
    return entry;
  }

  set(search: string, entry: CachedResponse): void {
    const key = canonical(search);
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}
