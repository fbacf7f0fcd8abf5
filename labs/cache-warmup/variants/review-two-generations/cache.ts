// A memo cache for rendered search responses.
export class CachedResponse {
  readonly body: string;
  readonly createdAt: number;

  constructor(body: string) {
    this.body = body;
    this.createdAt = Date.now();
  }
}

/**
 * Two generations: new and recently used entries live in `young`; when it is full it becomes `old`
 * and the previous old generation is dropped whole. A hit in the old generation moves the entry back
 * to the young one. At most 2 × half entries are ever held.
 */
export class ResponseCache {
  private young = new Map<string, CachedResponse>();
  private old = new Map<string, CachedResponse>();
  private readonly half: number;
  hits = 0;
  misses = 0;

  constructor(maxEntries = 500) {
    this.half = Math.floor(maxEntries / 2);
  }

  get(key: string): CachedResponse | undefined {
    let entry = this.young.get(key);
    if (!entry) {
      entry = this.old.get(key);
      if (entry) {
        this.old.delete(key);
        this.put(key, entry);
      }
    }
    if (entry) this.hits++;
    else this.misses++;
    return entry;
  }

  set(key: string, entry: CachedResponse): void {
    this.old.delete(key);
    this.put(key, entry);
  }

  private put(key: string, entry: CachedResponse): void {
    if (!this.young.has(key) && this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, entry);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}
