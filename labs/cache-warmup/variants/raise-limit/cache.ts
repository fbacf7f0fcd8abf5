// Wrong fix: an LRU, but with a limit so high it never evicts under real traffic; memory still grows
// with every distinct query.
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

  constructor(maxEntries = 1_000_000) {
    this.maxEntries = maxEntries;
  }

  get(key: string): CachedResponse | undefined {
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

  set(key: string, entry: CachedResponse): void {
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
