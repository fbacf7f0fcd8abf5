// The report queue: collects reports and hands them to the batch sink, either when a batch reaches
// maxBatch reports or one interval after the batch's first report, whichever comes first.
//
// The timer of the open batch is a plain setTimeout owned by the queue. Whichever way the batch leaves
// (full, timed out, shut down), flush() clears it, so there is never a waiter left behind. The Ticker
// stays unused.
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
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(sink: BatchSink, _ticker: Ticker, options: QueueOptions) {
    this.#sink = sink;
    this.#options = options;
  }

  push(report: Report): void {
    this.#batch.push(report);
    if (this.#batch.length >= this.#options.maxBatch) this.flush();
    else if (this.#timer === undefined) this.#timer = setTimeout(() => this.flush(), this.#options.intervalMs);
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#batch;
    this.#batch = [];
    if (batch.length > 0) this.#sink.write(batch);
  }

  /** The service is shutting down: send whatever is still waiting. */
  stop(): void {
    this.flush();
  }
}
