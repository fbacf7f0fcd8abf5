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

export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  /** Bound by what the entries weigh, not how many there are. */
  readonly maxChars: number;
  private chars = 0;
  hits = 0;
  misses = 0;

  constructor(maxChars = 2 * 1024 * 1024) {
    this.maxChars = maxChars;
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
    const old = this.entries.get(key);
    if (old) {
      this.chars -= old.body.length;
      this.entries.delete(key);
    }
    this.entries.set(key, entry);
    this.chars += entry.body.length;
    while (this.chars > this.maxChars && this.entries.size > 1) {
      const coldest = this.entries.keys().next().value as string;
      this.chars -= this.entries.get(coldest)!.body.length;
      this.entries.delete(coldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
