// A byte budget that refills with time: lets a steady trickle through and stops a flood. The runner and
// the supervisor both meter the lab's protocol events with it, before parsing them.

/** Bytes that may be spent in a burst of `capacity`, refilled at `perSecond`. */
export class ByteBucket {
  private level: number;
  private last: number;
  private readonly capacity: number;
  private readonly perSecond: number;
  private readonly now: () => number;

  constructor(capacity: number, perSecond: number, now: () => number = Date.now) {
    this.capacity = capacity;
    this.perSecond = perSecond;
    this.now = now;
    this.level = capacity;
    this.last = now();
  }

  /** Spend n bytes; false (and nothing spent) when the bucket does not hold them. */
  take(n: number): boolean {
    const t = this.now();
    this.level = Math.min(this.capacity, this.level + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    if (n > this.level) return false;
    this.level -= n;
    return true;
  }
}
