// Another right fix, for the checks to accept: no flusher per batch at all. One long-lived flusher loop,
// owned by the queue, times whichever batch is open and is released only when the service stops
// (the Go equivalent: one goroutine started with the service, stopped through a context on shutdown).
// It sleeps with node:timers/promises, and a batch that leaves by size aborts that sleep.
// While idle, the loop's suspended frame still references the last batch it timed, until the next batch
// opens: at most one batch, never more, so memory stays bounded.
import { setTimeout as sleep } from 'node:timers/promises';
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
  /** Wakes the flusher loop when a batch opens while it is idle. */
  #wake: (() => void) | null = null;
  /** Cuts the loop's current sleep short (the batch it was timing has left). */
  #sleeping: AbortController | null = null;
  #closed = false;

  constructor(sink: BatchSink, _ticker: Ticker, options: QueueOptions) {
    this.#sink = sink;
    this.#options = options;
    void this.#flusher();
  }

  push(report: Report): void {
    this.#batch.push(report);
    if (this.#batch.length >= this.#options.maxBatch) this.flush();
    else if (this.#batch.length === 1) this.#wakeFlusher();
  }

  flush(): void {
    const batch = this.#batch;
    this.#batch = [];
    this.#sleeping?.abort();
    this.#sleeping = null;
    if (batch.length > 0) this.#sink.write(batch);
  }

  /** The service is shutting down: send what is waiting and let the flusher loop end. */
  stop(): void {
    this.#closed = true;
    this.flush();
    this.#wakeFlusher();
  }

  #wakeFlusher(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  async #flusher(): Promise<void> {
    while (!this.#closed) {
      if (this.#batch.length === 0) await new Promise<void>((resolve) => (this.#wake = resolve));
      if (this.#closed) return;
      const batch = this.#batch;
      const sleeping = (this.#sleeping = new AbortController());
      try {
        await sleep(this.#options.intervalMs, undefined, { signal: sleeping.signal });
      } catch {
        continue; // the batch left by size (or the service is stopping)
      }
      if (this.#batch === batch) this.flush();
    }
  }
}
