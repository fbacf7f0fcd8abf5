// The report queue: collects reports and hands them to the batch sink, either when a batch reaches
// maxBatch reports or on the next tick of one ticker that runs for the service's whole life. No report
// waits more than one interval, and batches that do not fill up leave at most once per interval.
// One long-lived flusher loop waits for the ticks; stop() releases it through an AbortSignal (Go: one
// goroutine with a select on <-ticker.C and <-ctx.Done()).
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
  #ticker: Ticker;
  #batch: Report[] = [];
  #maxBatch: number;
  #closed = new AbortController();

  constructor(sink: BatchSink, ticker: Ticker, options: QueueOptions) {
    this.#sink = sink;
    this.#ticker = ticker;
    this.#maxBatch = options.maxBatch;
    void this.#loop(ticker.start(options.intervalMs));
  }

  push(report: Report): void {
    this.#batch.push(report);
    if (this.#batch.length >= this.#maxBatch) this.flush();
  }

  flush(): void {
    const batch = this.#batch;
    this.#batch = [];
    if (batch.length > 0) this.#sink.write(batch);
  }

  stop(): void {
    this.#ticker.stop();
    this.#closed.abort();
    this.flush();
  }

  async #loop(run: number): Promise<void> {
    for (;;) {
      try {
        await this.#ticker.next(run, { signal: this.#closed.signal });
      } catch {
        return; // the service is shutting down
      }
      this.flush();
    }
  }
}
