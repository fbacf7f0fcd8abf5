// Wrong fix: evicting empties the entry instead of deleting it ("so that we know it was evicted"). The
// responses are gone, but every key and its tombstone stay in the Map forever.
export class CachedResponse {
  readonly body: string;
  readonly createdAt: number;

  constructor(body: string) {
    this.body = body;
    this.createdAt = Date.now();
  }
}

const EVICTED = new CachedResponse('');

export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  private live: string[] = [];
  readonly maxEntries = 200;
  hits = 0;
  misses = 0;

  get(key: string): CachedResponse | undefined {
    const entry = this.entries.get(key);
    if (entry && entry !== EVICTED) {
      this.hits++;
      return entry;
    }
    this.misses++;
    return undefined;
  }

  set(key: string, entry: CachedResponse): void {
    this.entries.set(key, entry);
    this.live.push(key);
    if (this.live.length > this.maxEntries) this.entries.set(this.live.shift()!, EVICTED);
  }

  get size(): number {
    return this.live.length;
  }
}
