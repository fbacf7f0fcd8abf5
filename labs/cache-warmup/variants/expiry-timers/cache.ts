// Wrong fix: a bounded LRU plus expiry. Each new entry arms a ten-minute timer that deletes it if it is
// stale, but an entry evicted early keeps its timer (and the closure holding its key) for ten minutes.
export class CachedResponse {
  readonly body: string;
  readonly createdAt: number;

  constructor(body: string) {
    this.body = body;
    this.createdAt = Date.now();
  }
}

const TEN_MINUTES = 10 * 60 * 1000;

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
    this.entries.set(key, entry);
    setTimeout(() => this.expire(key), TEN_MINUTES);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  private expire(key: string): void {
    const entry = this.entries.get(key);
    if (entry && Date.now() - entry.createdAt >= TEN_MINUTES) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
