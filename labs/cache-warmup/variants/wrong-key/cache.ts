// Wrong fix: a bounded LRU that also shortens keys to save memory. Different searches that share the
// first characters now share one cached response, so shoppers get someone else's results.
export class CachedResponse {
  readonly body: string;
  readonly createdAt: number;

  constructor(body: string) {
    this.body = body;
    this.createdAt = Date.now();
  }
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  readonly maxEntries: number;
  hits = 0;
  misses = 0;

  constructor(maxEntries = 200) {
    this.maxEntries = maxEntries;
  }

  get(fullKey: string): CachedResponse | undefined {
    const key = fullKey.slice(0, 12);
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

  set(fullKey: string, entry: CachedResponse): void {
    const key = fullKey.slice(0, 12);
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
