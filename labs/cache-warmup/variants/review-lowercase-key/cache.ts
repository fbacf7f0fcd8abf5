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
  readonly maxEntries: number;
  hits = 0;
  misses = 0;

  constructor(maxEntries = 500) {
    this.maxEntries = maxEntries;
  }

  /** Searches ignore case, so "Teal Lamp" and "teal lamp" can share an entry. */
  private norm(key: string): string {
    return key.toLowerCase();
  }

  get(key: string): CachedResponse | undefined {
    const k = this.norm(key);
    const entry = this.entries.get(k);
    if (entry) {
      this.hits++;
      this.entries.delete(k);
      this.entries.set(k, entry);
    } else {
      this.misses++;
    }
    return entry;
  }

  set(key: string, entry: CachedResponse): void {
    const k = this.norm(key);
    this.entries.delete(k);
    this.entries.set(k, entry);
    while (this.entries.size > this.maxEntries) {
      const coldest = this.entries.keys().next().value as string;
      this.entries.delete(coldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
