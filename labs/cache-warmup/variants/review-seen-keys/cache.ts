// A memo cache for rendered search responses.
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
  /** keys we had to evict, so a miss on one of them can be counted as a re-miss */
  private readonly evicted = new Set<string>();
  readonly maxEntries: number;
  hits = 0;
  misses = 0;
  remisses = 0;

  constructor(maxEntries = 500) {
    this.maxEntries = maxEntries;
  }

  get(key: string): CachedResponse | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, entry);
    } else {
      this.misses++;
      if (this.evicted.has(key)) this.remisses++;
    }
    return entry;
  }

  set(key: string, entry: CachedResponse): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const coldest = this.entries.keys().next().value as string;
      this.entries.delete(coldest);
      this.evicted.add(coldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
