// Wrong fix: the LRU is right, but a Set of a 32-bit fingerprint of every query ever seen (meant for an
// admission policy later) grows by one number, a few dozen bytes with the Set's own slots, per new
// query, and nothing ever removes them.
export class CachedResponse {
  readonly body: string;
  readonly createdAt: number;

  constructor(body: string) {
    this.body = body;
    this.createdAt = Date.now();
  }
}

const MAX = 500;

function fingerprint(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  private readonly seen = new Set<number>();
  hits = 0;
  misses = 0;

  get(key: string): CachedResponse | undefined {
    this.seen.add(fingerprint(key));
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
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > MAX) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}
