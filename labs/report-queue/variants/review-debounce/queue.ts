// The report queue: collects reports and hands them to the batch sink, either when a batch reaches
// maxBatch reports or one interval after the batch's first report, whichever comes first.
//
// Every flusher is tied to the lifetime of the batch it times. A size flush stops the ticker, which on
// its own would leave that flusher waiting for a tick that never comes (Go: Ticker.Stop does not close
// the channel). So flush() also aborts the batch's AbortController, and the flusher returns: the Go fix
// is the same shape, a select on <-ticker.C and <-done, with close(done) where the ticker is stopped.
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
  /** The timer of the open batch: its ticker run and the switch that releases its flusher. */
  #timer: { run: number; done: AbortController } | null = null;

  constructor(sink: BatchSink, ticker: Ticker, options: QueueOptions) {
    this.#sink = sink;
    this.#ticker = ticker;
    this.#options = options;
  }

  push(report: Report): void {
    this.#batch.push(report);
    if (this.#batch.length >= this.#options.maxBatch) this.flush();
    else this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    // Wait for a quiet interval: every new report restarts the timer of the open batch.
    if (this.#timer) {
      this.#timer.done.abort();
      this.#timer = null;
    }
    const timer = { run: this.#ticker.start(this.#options.intervalMs), done: new AbortController() };
    this.#timer = timer;
    void new Flusher(this, this.#ticker, timer.run, this.#batch, timer.done.signal).wait();
  }

  /** Send `batch` if it is still the open batch. */
  flushBatch(batch: Report[]): void {
    if (batch === this.#batch) this.flush();
  }

  flush(): void {
    const batch = this.#batch;
    this.#batch = [];
    this.#ticker.stop();
    // Release the flusher of this batch whichever way the batch left: by size, by tick or at shutdown.
    this.#timer?.done.abort();
    this.#timer = null;
    if (batch.length > 0) this.#sink.write(batch);
  }

  /** The service is shutting down: send whatever is still waiting. */
  stop(): void {
    this.flush();
  }
}

/** Waits for the first tick of its run, then sends the batch it was started for; returns early when released. */
export class Flusher {
  queue: ReportQueue;
  ticker: Ticker;
  run: number;
  batch: Report[];
  signal: AbortSignal;

  constructor(queue: ReportQueue, ticker: Ticker, run: number, batch: Report[], signal: AbortSignal) {
    this.queue = queue;
    this.ticker = ticker;
    this.run = run;
    this.batch = batch;
    this.signal = signal;
  }

  async wait(): Promise<void> {
    try {
      await this.ticker.next(this.run, { signal: this.signal });
    } catch (err) {
      if (this.signal.aborted) return; // the batch was sent some other way: nothing left to do
      throw err;
    }
    this.queue.flushBatch(this.batch);
  }
}
