// Wrong fix: a canonical key, but "?q=teal&q=lamp" is read as "teal lamp". The service searches with
// the first q only ("teal"), so after ?q=teal&q=lamp the search ?q=teal%20lamp is a hit answered with
// the page for "teal" (and the other way round).
export class CachedResponse {
  readonly body: string;
  readonly createdAt: number;

  constructor(body: string) {
    this.body = body;
    this.createdAt = Date.now();
  }
}

const MAX = 500;

function canonical(search: string): string {
  const params = new URLSearchParams(search);
  const q = params.getAll('q').join(' ');
  const page = Number(params.get('page') ?? '1');
  const sort = params.get('sort');
  return JSON.stringify([
    q,
    Number.isInteger(page) && page > 0 ? page : 1,
    sort === 'price' || sort === 'name' ? sort : 'relevance',
  ]);
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  hits = 0;
  misses = 0;

  get(search: string): CachedResponse | undefined {
    const key = canonical(search);
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

  set(search: string, entry: CachedResponse): void {
    const key = canonical(search);
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > MAX) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}
