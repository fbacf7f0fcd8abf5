// The batch endpoint the queue delivers to. It keeps no reports: for every batch it records a short
// summary (size, first and last sequence number, when its first report arrived, when it was delivered)
// and appends that summary to a ledger file, so deliveries made while the service shuts down are on
// record too. It also notices reports that arrive twice, out of order, or not at all.
import fs from 'node:fs';
import path from 'node:path';
import type { Report } from './report.ts';

export interface BatchSummary {
  /** 1 for the first batch this service delivered */
  n: number;
  size: number;
  first: number;
  last: number;
  /** lab ms when the batch's first report reached the service */
  firstAt: number;
  /** lab ms when the batch was delivered */
  deliveredAt: number;
}

const RECENT = 64;
const MAX_PROBLEMS = 5;

export class BatchSink {
  // Private: the queue holds this sink to deliver through, and what the sink records is not the queue's
  // to change.
  readonly #ledgerPath: string;
  #batches = 0;
  #delivered = 0;
  #largest = 0;
  /** sequence number the next delivered report should carry (reports are numbered 0, 1, 2… on arrival) */
  #nextSeq = 0;
  /** deliveries that broke the order: duplicates, skips, reordering */
  #problems: string[] = [];
  #problemCount = 0;
  #recent: BatchSummary[] = [];
  /** when reports arrived, as the server told the sink: [first sequence number, lab ms], oldest first */
  #arrivals: Array<[number, number]> = [];
  #now: () => number;

  constructor(options: { now: () => number; ledgerDir: string }) {
    this.#now = options.now;
    fs.mkdirSync(options.ledgerDir, { recursive: true });
    this.#ledgerPath = path.join(options.ledgerDir, `batches-${process.pid}-${Date.now()}.ndjson`);
    fs.writeFileSync(this.#ledgerPath, '');
  }

  get ledgerPath(): string {
    return this.#ledgerPath;
  }
  get batches(): number {
    return this.#batches;
  }
  get delivered(): number {
    return this.#delivered;
  }
  get largest(): number {
    return this.#largest;
  }
  get problems(): string[] {
    return [...this.#problems];
  }
  get problemCount(): number {
    return this.#problemCount;
  }
  get recent(): BatchSummary[] {
    return this.#recent.map((b) => ({ ...b }));
  }

  /** Called by the server for every accepted request: `count` reports from `firstSeq` on arrived `at`. */
  arrived(firstSeq: number, count: number, at: number): void {
    if (count > 0) this.#arrivals.push([firstSeq, at]);
  }

  /** When report `seq` arrived, from the server's record (not from the report object a caller passes). */
  #arrivalOf(seq: number): number {
    // drop what lies wholly before seq: deliveries go in order, so those arrivals are done
    while (this.#arrivals.length > 1 && this.#arrivals[1]![0] <= seq) this.#arrivals.shift();
    const first = this.#arrivals[0];
    return first && first[0] <= seq ? first[1] : NaN;
  }

  /** Deliver one batch. The sink reads the reports now and keeps none of them. */
  write(batch: readonly Report[]): void {
    if (batch.length === 0) return;
    for (const report of batch) {
      if (report.seq !== this.#nextSeq) this.#problem(report.seq);
      this.#nextSeq = report.seq + 1;
    }
    const summary: BatchSummary = {
      n: ++this.#batches,
      size: batch.length,
      first: batch[0].seq,
      last: batch[batch.length - 1].seq,
      firstAt: Math.round(this.#arrivalOf(batch[0].seq)),
      deliveredAt: Math.round(this.#now()),
    };
    this.#delivered += batch.length;
    this.#largest = Math.max(this.#largest, batch.length);
    this.#recent.push(summary);
    if (this.#recent.length > RECENT) this.#recent.shift();
    fs.appendFileSync(this.#ledgerPath, JSON.stringify(summary) + '\n');
  }

  #problem(seq: number): void {
    this.#problemCount++;
    if (this.#problems.length >= MAX_PROBLEMS) return;
    this.#problems.push(
      seq < this.#nextSeq
        ? `report #${seq} was delivered after report #${this.#nextSeq - 1} (twice, or out of order)`
        : `reports #${this.#nextSeq} to #${seq - 1} were skipped when report #${seq} was delivered`,
    );
  }
}
