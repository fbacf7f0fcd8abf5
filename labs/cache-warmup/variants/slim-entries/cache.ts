// Wrong fix: a bounded LRU that also slims what it stores, dropping each product's description "because
// the list view does not need it". The first answer is complete; every answer from the cache is not.
export class CachedResponse {
  readonly body: string;
  readonly createdAt: number;

  constructor(body: string) {
    this.body = body;
    this.createdAt = Date.now();
  }
}

function slim(entry: CachedResponse): CachedResponse {
  const page = JSON.parse(entry.body) as { results: Array<Record<string, unknown>> };
  page.results = page.results.map(({ description: _description, ...rest }) => rest);
  return new CachedResponse(JSON.stringify(page));
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  readonly maxEntries = 200;
  hits = 0;
  misses = 0;

  get(key: string): CachedResponse | undefined {
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

  set(key: string, entry: CachedResponse): void {
    this.entries.delete(key);
    this.entries.set(key, slim(entry));
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}
