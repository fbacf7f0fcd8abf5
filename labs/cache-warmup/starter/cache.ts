// A memo cache for rendered search responses: a repeat search is answered without searching again.
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
    this.entries.set(key, entry);
  }

  get size(): number {
    return this.entries.size;
  }
}
