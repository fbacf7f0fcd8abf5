// The report queue: collects reports and hands them to the batch sink, either when a batch reaches
// maxBatch reports or at the next tick of a ticker that runs every interval, whichever comes first.
//
// One ticker run and one flusher for the queue's whole life: the flusher sends whatever waits at each
// tick, so no report waits longer than one interval, and a size flush does not touch the ticker. The
// only waiter there ever is, is released by the AbortController at shutdown.
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
  #options: QueueOptions;
  #batch: Report[] = [];
  #running: AbortController | null = null;

  constructor(sink: BatchSink, ticker: Ticker, options: QueueOptions) {
    this.#sink = sink;
    this.#ticker = ticker;
    this.#options = options;
  }

  push(report: Report): void {
    this.#batch.push(report);
    if (this.#batch.length >= this.#options.maxBatch) this.#send();
    else if (!this.#running) this.#startTicking();
  }

  #startTicking(): void {
    const done = new AbortController();
    this.#running = done;
    const run = this.#ticker.start(this.#options.intervalMs);
    void this.#flushOnTicks(run, done.signal);
  }

  async #flushOnTicks(run: number, signal: AbortSignal): Promise<void> {
    for (;;) {
      try {
        await this.#ticker.next(run, { signal });
      } catch (err) {
        if (signal.aborted) return;
        throw err;
      }
      this.#send();
    }
  }

  #send(): void {
    const batch = this.#batch;
    this.#batch = [];
    if (batch.length > 0) this.#sink.write(batch);
  }

  /** Send the open batch now. */
  flush(): void {
    this.#send();
  }

  /** The service is shutting down: send whatever is still waiting, and stop ticking. */
  stop(): void {
    this.#ticker.stop();
    this.#running?.abort();
    this.#running = null;
    this.#send();
  }
}
