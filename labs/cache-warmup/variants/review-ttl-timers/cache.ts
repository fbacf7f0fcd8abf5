// A memo cache for rendered search responses.
export class CachedResponse {
  readonly body: string;
  readonly createdAt: number;

  constructor(body: string) {
    this.body = body;
    this.createdAt = Date.now();
  }
}

/** An entry older than this is stale and is dropped. */
const TTL_MS = 10 * 60 * 1000;

export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  readonly maxEntries: number;
  hits = 0;
  misses = 0;

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
    }
    return entry;
  }

  set(key: string, entry: CachedResponse): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    // expire it after the TTL, if it is still the same entry
    setTimeout(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    }, TTL_MS).unref();
    while (this.entries.size > this.maxEntries) {
      const coldest = this.entries.keys().next().value as string;
      this.entries.delete(coldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
