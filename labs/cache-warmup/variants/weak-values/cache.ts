// Wrong fix: "let the garbage collector bound the cache": responses are held through WeakRefs. The GC does
// drop the responses, but nothing deletes their keys, so the Map of keys and empty WeakRefs grows forever.
export class CachedResponse {
  readonly body: string;
  readonly createdAt: number;

  constructor(body: string) {
    this.body = body;
    this.createdAt = Date.now();
  }
}

export class ResponseCache {
  private readonly entries = new Map<string, WeakRef<CachedResponse>>();
  hits = 0;
  misses = 0;

  get(key: string): CachedResponse | undefined {
    const entry = this.entries.get(key)?.deref();
    if (entry) this.hits++;
    else this.misses++;
    return entry;
  }

  set(key: string, entry: CachedResponse): void {
    this.entries.set(key, new WeakRef(entry));
  }

  get size(): number {
    return this.entries.size;
  }
}
