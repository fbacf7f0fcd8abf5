// The compressor ledger: every gzip stream the service opens is created here, so the lab can count
// how many are still alive. A stream stops being "alive" when it closes (ended and drained, or
// destroyed) or when the garbage collector reclaims it. The ledger holds no reference to the streams
// themselves, so it can never be the thing that keeps them alive. Read-only: part of the lab's plumbing.
import zlib from 'node:zlib';

const counts = { opened: 0, closed: 0, collected: 0 };

// Runs some time after a stream became unreachable and was collected. Holds only a small record.
const reclaimed = new FinalizationRegistry<{ closed: boolean }>((record) => {
  if (!record.closed) counts.collected++;
});

/** Open a gzip compressor (zlib.createGzip) and enter it in the ledger. */
export function openGzip(options?: zlib.ZlibOptions): zlib.Gzip {
  const gz = zlib.createGzip(options);
  const record = { closed: false };
  counts.opened++;
  gz.once('close', () => {
    record.closed = true;
    counts.closed++;
  });
  reclaimed.register(gz, record);
  return gz;
}

export const ledger = {
  get opened(): number {
    return counts.opened;
  },
  /** Opened and neither closed nor garbage-collected. */
  get alive(): number {
    return counts.opened - counts.closed - counts.collected;
  },
};
