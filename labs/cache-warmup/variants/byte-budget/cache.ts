// Right fix, bounded by bytes as well: an LRU that evicts while the cached bodies exceed 1 MB or the
// entries exceed 500. Large pages take more room than small ones.
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
  private bytes = 0;
  readonly maxBytes = 1024 * 1024;
  readonly maxEntries = 500;
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
    this.remove(key);
    this.entries.set(key, entry);
    this.bytes += entry.body.length;
    while (this.bytes > this.maxBytes || this.entries.size > this.maxEntries) {
      this.remove(this.entries.keys().next().value as string);
    }
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.bytes -= entry.body.length;
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
