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
  #timer: { run: number; done: () => void } | null = null;

  constructor(sink: BatchSink, ticker: Ticker, options: QueueOptions) {
    this.#sink = sink;
    this.#ticker = ticker;
    this.#options = options;
    // many batches can wait at once under bursts: not a leak
    ticker.setMaxListeners(0);
  }

  push(report: Report): void {
    this.#batch.push(report);
    if (this.#batch.length >= this.#options.maxBatch) this.flush();
    else this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#timer) return;
    let done!: () => void;
    const released = new Promise<void>((resolve) => (done = resolve));
    const timer = { run: this.#ticker.start(this.#options.intervalMs), done };
    this.#timer = timer;
    void new Flusher(this, this.#ticker, timer.run, this.#batch, released).wait();
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
    this.#timer?.done();
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
  released: Promise<void>;

  constructor(queue: ReportQueue, ticker: Ticker, run: number, batch: Report[], released: Promise<void>) {
    this.queue = queue;
    this.ticker = ticker;
    this.run = run;
    this.batch = batch;
    this.released = released;
  }

  async wait(): Promise<void> {
    // Whichever comes first: the tick, or the batch leaving some other way.
    const ticked = await Promise.race([this.ticker.next(this.run).then(() => true), this.released.then(() => false)]);
    if (ticked) this.queue.flushBatch(this.batch);
  }
}
