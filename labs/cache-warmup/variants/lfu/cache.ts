// Right fix, least frequently used: every entry counts its uses; when the cache is full the entry used
// least often goes (the oldest among equals). One-off searches are used once, popular ones many times.
export class CachedResponse {
  readonly body: string;
  readonly createdAt: number;

  constructor(body: string) {
    this.body = body;
    this.createdAt = Date.now();
  }
}

interface Slot {
  entry: CachedResponse;
  uses: number;
}

export class ResponseCache {
  private readonly entries = new Map<string, Slot>();
  readonly maxEntries = 200;
  hits = 0;
  misses = 0;

  get(key: string): CachedResponse | undefined {
    const slot = this.entries.get(key);
    if (!slot) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    slot.uses++;
    return slot.entry;
  }

  set(key: string, entry: CachedResponse): void {
    const existing = this.entries.get(key);
    if (existing) {
      existing.entry = entry;
      return;
    }
    if (this.entries.size >= this.maxEntries) {
      let victim: string | undefined;
      let fewest = Infinity;
      for (const [k, slot] of this.entries) {
        if (slot.uses < fewest) {
          fewest = slot.uses;
          victim = k;
        }
      }
      if (victim !== undefined) this.entries.delete(victim);
    }
    this.entries.set(key, { entry, uses: 1 });
  }

  get size(): number {
    return this.entries.size;
  }
}
