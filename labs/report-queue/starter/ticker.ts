// A port of Go's time.Ticker, as the report queue uses it. The queue keeps one Ticker for its whole
// life and starts it again for every batch, so each start() begins a new *run*: in Go that is a fresh
// time.NewTicker with its own channel C. next(run) resolves on the next tick of that run, the way
// `<-ticker.C` receives from that ticker's channel.
//
// stop() ends the current run, and like Go's Ticker.Stop it closes nothing: whoever is waiting in
// next() for that run is never woken. Only an AbortSignal (the `signal` option, as in events.once)
// takes a waiter back.
import { EventEmitter } from 'node:events';

export class Ticker extends EventEmitter {
  #timer: ReturnType<typeof setInterval> | undefined;
  #runs = 0;

  /** Start ticking every `intervalMs` (real ms) and return the new run's number. */
  start(intervalMs: number): number {
    this.stop();
    const run = ++this.#runs;
    this.#timer = setInterval(() => this.emit('tick', run), intervalMs);
    return run;
  }

  /** Stop ticking. Waiters of the stopped run stay where they are. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Resolves on the next tick of `run`; rejects with an AbortError when options.signal aborts first. */
  next(run: number, options: { signal?: AbortSignal } = {}): Promise<void> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<void>((resolve, reject) => {
      const onTick = (tickRun: number) => {
        if (tickRun !== run) return;
        this.off('tick', onTick);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.off('tick', onTick);
        reject(abortError(signal!));
      };
      // One 'tick' listener per waiter: listenerCount('tick') is the number of parked waiters.
      this.on('tick', onTick);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('the wait for the next tick was aborted', { cause: signal.reason }), {
    name: 'AbortError',
  });
}
