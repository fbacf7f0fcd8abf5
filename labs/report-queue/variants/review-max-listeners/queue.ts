// The report queue: collects reports and hands them to the batch sink, either when a batch reaches
// maxBatch reports or one interval after the batch's first report, whichever comes first.
// A port of the incident's Go MemQueue; the Go each part came from is in the comments.
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
  /** The ticker run timing the open batch, 0 when no timer is set (Go: q.ticker == nil). */
  #run = 0;

  constructor(sink: BatchSink, ticker: Ticker, options: QueueOptions) {
    this.#sink = sink;
    this.#ticker = ticker;
    this.#options = options;
    // One flusher per batch waits on the ticker; under bursts there are many. Lift Node's limit of 10.
    ticker.setMaxListeners(0);
  }

  // Go: PushBack
  push(report: Report): void {
    this.#batch.push(report);
    if (this.#batch.length >= this.#options.maxBatch) this.flush();
    else this.#scheduleFlush();
  }

  // Go: scheduleFlush. Start the ticker and a flusher for the open batch, unless one is running.
  #scheduleFlush(): void {
    if (this.#run !== 0) return;
    this.#run = this.#ticker.start(this.#options.intervalMs); // Go: q.ticker = time.NewTicker(d)
    void new Flusher(this, this.#ticker, this.#run, this.#batch).wait(); // Go: go func() { … }()
  }

  /** True while ticker run `run` is still timing the open batch. */
  isTiming(run: number): boolean {
    return this.#run === run;
  }

  /** Send `batch` if it is still the open batch. A size flush may have sent it already; then there is nothing to do. */
  flushBatch(batch: Report[]): void {
    if (batch === this.#batch) this.flush();
  }

  // Go: flush. Hand the open batch to the sink, start a new one, stop the ticker.
  flush(): void {
    const batch = this.#batch;
    this.#batch = [];
    this.#ticker.stop(); // Go: q.ticker.Stop()
    this.#run = 0; // Go: q.ticker = nil
    if (batch.length > 0) this.#sink.write(batch);
  }

  /** The service is shutting down: send whatever is still waiting. */
  stop(): void {
    this.flush();
  }
}

/** The goroutine started by scheduleFlush: waits for the ticker, then sends the batch it was started for. */
export class Flusher {
  queue: ReportQueue;
  ticker: Ticker;
  run: number;
  batch: Report[];

  constructor(queue: ReportQueue, ticker: Ticker, run: number, batch: Report[]) {
    this.queue = queue;
    this.ticker = ticker;
    this.run = run;
    this.batch = batch;
  }

  async wait(): Promise<void> {
    for (;;) {
      if (!this.queue.isTiming(this.run)) return; // Go: if q.ticker == nil { return }
      await this.ticker.next(this.run); // Go: <-q.ticker.C
      this.queue.flushBatch(this.batch); // Go: q.flush()
    }
  }
}
