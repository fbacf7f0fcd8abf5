// An in-memory Storage with the Web Storage semantics the lab UI relies on (string values, key order,
// optional quota so "storage full" paths can be exercised).
export class MemoryStorage implements Storage {
  private map = new Map<string, string>();
  quotaChars: number;
  constructor(quotaChars = Infinity) {
    this.quotaChars = quotaChars;
  }
  get length(): number {
    return this.map.size;
  }
  key(i: number): string | null {
    return [...this.map.keys()][i] ?? null;
  }
  getItem(k: string): string | null {
    return this.map.has(k) ? this.map.get(k)! : null;
  }
  setItem(k: string, v: string): void {
    const used = [...this.map.entries()].reduce((n, [key, val]) => n + (key === k ? 0 : key.length + val.length), 0);
    if (used + k.length + String(v).length > this.quotaChars) throw new DOMException('quota', 'QuotaExceededError');
    this.map.set(k, String(v));
  }
  removeItem(k: string): void {
    this.map.delete(k);
  }
  clear(): void {
    this.map.clear();
  }
  [name: string]: unknown;
}
