// Wrong fix: stop admitting entries once the cache is full. Memory is bounded, but whatever arrives
// after the first 200 queries (including new popular searches) is never cached.
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
  hits = 0;
  misses = 0;

  get(key: string): CachedResponse | undefined {
    const entry = this.entries.get(key);
    if (entry) this.hits++;
    else this.misses++;
    return entry;
  }

  set(key: string, entry: CachedResponse): void {
    if (this.entries.size < 200) this.entries.set(key, entry);
  }

  get size(): number {
    return this.entries.size;
  }
}
