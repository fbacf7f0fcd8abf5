// The order store: records by id, kept in memory (the lab's stand-in for a database). Read-only.
// Imports write into a staging area in batches and become visible only on commit(), so a failed upload
// changes nothing. The store reports what it sees on the lab's chart (gauges).
import type { ServiceContext } from '#kit';
import { COLUMNS, type OrderRecord } from './records.ts';

/** FNV-1a over a record's values: the store keeps the sum over all records as a checksum. */
function recordHash(rec: OrderRecord): number {
  let h = 0x811c9dc5;
  const mix = (code: number) => {
    h ^= code;
    h = Math.imul(h, 0x01000193);
  };
  // the same bytes as hashing `n:<number>` or `s:<text>` per column, joined by \u001f
  for (let c = 0; c < COLUMNS.length; c++) {
    const v = rec[COLUMNS[c]!];
    if (c) mix(0x1f);
    mix(typeof v === 'number' ? 110 : 115);
    mix(58);
    const text = typeof v === 'number' ? String(v) : v;
    for (let i = 0; i < text.length; i++) mix(text.charCodeAt(i));
  }
  return h >>> 0;
}

export interface ImportResult {
  rows: number;
  added: number;
  updated: number;
}

export class RecordStore {
  #records = new Map<number, OrderRecord>();
  #hashes = new Map<number, number>();
  #checksum = 0;
  #staged = 0;
  #open = 0;
  #peakOpen = 0;
  #batches = 0;
  #largestBatch = 0;
  #commits = 0;

  constructor(ctx: ServiceContext) {
    ctx.gauge('records', () => this.#records.size);
    ctx.gauge('staged rows', () => this.#staged);
    ctx.gauge('imports running', () => this.#open);
    ctx.gauge('imports running (peak)', () => this.#peakOpen);
    ctx.gauge('largest batch', () => this.#largestBatch);
    ctx.gauge('batches written', () => this.#batches);
    ctx.gauge('imports committed', () => this.#commits);
    ctx.gauge('store checksum', () => this.#checksum);
  }

  get size(): number {
    return this.#records.size;
  }

  get(id: number): OrderRecord | undefined {
    return this.#records.get(id);
  }

  /** Start an import. Write its rows with write(), then commit() or abort() exactly once. */
  beginImport(): Staging {
    this.#open++;
    this.#peakOpen = Math.max(this.#peakOpen, this.#open);
    let rows: OrderRecord[][] = [];
    let state: 'open' | 'committed' | 'aborted' = 'open';
    let stagedHere = 0;
    const finish = (to: 'committed' | 'aborted') => {
      if (state !== 'open') throw new Error(`this import was already ${state}`);
      state = to;
      this.#open--;
      this.#staged -= stagedHere;
    };
    return {
      write: (batch) => {
        if (state !== 'open') throw new Error(`cannot write to an import that was ${state}`);
        this.#batches++;
        this.#largestBatch = Math.max(this.#largestBatch, batch.length);
        rows.push([...batch]);
        stagedHere += batch.length;
        this.#staged += batch.length;
      },
      commit: () => {
        finish('committed');
        let added = 0;
        let updated = 0;
        for (const batch of rows)
          for (const rec of batch) {
            const id = rec.id as number;
            const oldHash = this.#hashes.get(id);
            if (oldHash !== undefined) {
              this.#checksum = (this.#checksum - oldHash) >>> 0;
              updated++;
            } else added++;
            const hash = recordHash(rec);
            this.#records.set(id, rec);
            this.#hashes.set(id, hash);
            this.#checksum = (this.#checksum + hash) >>> 0;
          }
        rows = [];
        this.#commits++;
        return { rows: added + updated, added, updated };
      },
      abort: () => {
        if (state !== 'open') return;
        finish('aborted');
        rows = [];
      },
    };
  }
}

export interface Staging {
  /** Stage rows; the store takes them in batches like a database insert. */
  write(batch: readonly OrderRecord[]): void;
  /** Make every staged row visible (adds new ids, replaces existing ones). */
  commit(): ImportResult;
  /** Drop every staged row. Safe to call after a commit or twice. */
  abort(): void;
}
