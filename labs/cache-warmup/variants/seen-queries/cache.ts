// Wrong fix: the cache itself is a bounded LRU, but it also remembers every distinct query it was ever
// asked, to report how many there were. That Set is a second, unbounded copy of the keys.
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
  private readonly seen = new Set<string>();
  readonly maxEntries = 200;
  hits = 0;
  misses = 0;

  get(key: string): CachedResponse | undefined {
    this.seen.add(key);
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
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** distinct searches so far */
  get distinct(): number {
    return this.seen.size;
  }

  get size(): number {
    return this.entries.size;
  }
}
