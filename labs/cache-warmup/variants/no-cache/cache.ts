// Wrong fix: the cache never stores anything. Memory is flat, but every search is computed again.
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

  set(_key: string, _entry: CachedResponse): void {
    // nothing is kept
  }

  get size(): number {
    return this.entries.size;
  }
}
