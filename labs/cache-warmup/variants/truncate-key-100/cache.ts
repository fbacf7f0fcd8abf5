// Wrong fix: a bounded LRU that cuts keys to 100 characters to save memory on crawler keys. Two searches
// whose query strings share their first 100 characters (long tracking parameters first, then
// "&q=teal&page=1" or "&page=2") get one entry, so the later one is answered with the earlier one's page.
export class CachedResponse {
  readonly body: string;
  readonly createdAt: number;

  constructor(body: string) {
    this.body = body;
    this.createdAt = Date.now();
  }
}

const MAX = 500;
const KEY_LENGTH = 100;

export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  hits = 0;
  misses = 0;

  get(key: string): CachedResponse | undefined {
    key = key.slice(0, KEY_LENGTH);
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
    key = key.slice(0, KEY_LENGTH);
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > MAX) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}
