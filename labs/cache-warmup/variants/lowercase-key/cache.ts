// Wrong fix: a bounded LRU whose keys are lower-cased "because the search ignores case". The search does,
// but the page it returns echoes the query as typed, so "Teal Lamp" gets the page made for "teal lamp".
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
  readonly maxEntries = 200;
  hits = 0;
  misses = 0;

  get(rawKey: string): CachedResponse | undefined {
    const key = rawKey.toLowerCase();
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

  set(rawKey: string, entry: CachedResponse): void {
    const key = rawKey.toLowerCase();
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}
