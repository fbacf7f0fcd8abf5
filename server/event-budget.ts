// The bounds on what one run may make the runner hold: a byte budget that refills with time (for the
// lab's protocol events, which a normal lab sends at a steady trickle and a hostile one can forge in
// floods; kit/byte-bucket.ts) and a replay buffer for reconnecting pages that is bounded in events and
// in bytes.
import type { RuntimeEvent } from '../contracts/runtime-events.ts';

export { ByteBucket } from '../kit/byte-bucket.ts';

/** The events a page that (re)connects is shown first. Metrics and output go first when it is full;
 * ready/snapshot/check/exit history stays while there is any other kind of event to drop. */
export class ReplayBuffer {
  private readonly items: Array<{ event: RuntimeEvent; bytes: number }> = [];
  private bytes = 0;
  private readonly maxEvents: number;
  private readonly maxBytes: number;

  constructor(maxEvents: number, maxBytes: number) {
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
  }

  push(event: RuntimeEvent, bytes: number): void {
    this.items.push({ event, bytes });
    this.bytes += bytes;
    while (this.items.length > 1 && (this.items.length > this.maxEvents || this.bytes > this.maxBytes)) {
      const at = this.items.findIndex((i) => i.event.type === 'metrics' || i.event.type === 'output');
      const [gone] = this.items.splice(at === -1 || at === this.items.length - 1 ? 0 : at, 1);
      this.bytes -= gone.bytes;
    }
  }

  get size(): { events: number; bytes: number } {
    return { events: this.items.length, bytes: this.bytes };
  }

  *[Symbol.iterator](): IterableIterator<RuntimeEvent> {
    for (const i of this.items) yield i.event;
  }
}
