// Wrong fix: bounded, but it evicts from the wrong end. When the cache is full the newest entry is dropped,
// so the first 200 queries ever seen stay forever and every newer search is evicted by the next one.
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
  private newest: string | undefined;
  readonly maxEntries = 200;
  hits = 0;
  misses = 0;

  get(key: string): CachedResponse | undefined {
    const entry = this.entries.get(key);
    if (entry) this.hits++;
    else this.misses++;
    return entry;
  }

  set(key: string, entry: CachedResponse): void {
    if (this.entries.size >= this.maxEntries && this.newest !== undefined) this.entries.delete(this.newest);
    this.entries.set(key, entry);
    this.newest = key;
  }

  get size(): number {
    return this.entries.size;
  }
}
