// The report queue: collects reports and hands them to the batch sink, either when a batch reaches
// maxBatch reports or one interval after the batch's first report, whichever comes first.
// No Ticker and no Flusher: a plain setInterval per batch, the way the Go ticker would be used.
import type { Report } from './report.ts';
import type { BatchSink } from './sink.ts';
import type { Ticker } from './ticker.ts';

export interface QueueOptions {
  maxBatch: number;
  /** real ms (already scaled) */
  intervalMs: number;
}

export class ReportQueue {
  #sink: BatchSink;
  #options: QueueOptions;
  #batch: Report[] = [];
  #interval: ReturnType<typeof setInterval> | undefined;

  constructor(sink: BatchSink, _ticker: Ticker, options: QueueOptions) {
    this.#sink = sink;
    this.#options = options;
  }

  push(report: Report): void {
    this.#batch.push(report);
    if (this.#batch.length >= this.#options.maxBatch) this.flush();
    else if (!this.#interval) {
      const batch = this.#batch;
      this.#interval = setInterval(() => {
        if (batch === this.#batch) this.flush();
      }, this.#options.intervalMs);
    }
  }

  flush(): void {
    const batch = this.#batch;
    this.#batch = [];
    this.#interval = undefined; // a new batch gets a new interval
    if (batch.length > 0) this.#sink.write(batch);
  }

  stop(): void {
    this.flush();
  }
}
