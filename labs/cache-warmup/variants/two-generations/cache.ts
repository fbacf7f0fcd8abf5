// Right fix, a generational cache: entries land in `young`; a hit in `old` promotes the entry. When
// `young` is full it becomes `old` and the previous old generation is dropped in one go. At most
// 2 x 250 entries are kept, and anything used in the last generation survives.
export class CachedResponse {
  readonly body: string;
  readonly createdAt: number;

  constructor(body: string) {
    this.body = body;
    this.createdAt = Date.now();
  }
}

export class ResponseCache {
  private young = new Map<string, CachedResponse>();
  private old = new Map<string, CachedResponse>();
  readonly generation = 250;
  hits = 0;
  misses = 0;

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
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, entry);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}
