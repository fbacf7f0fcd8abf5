// Judging deliveries from the batch endpoint's ledger (written by the read-only sink.ts, one summary per
// batch: size, first and last sequence number, when its first report arrived, when it was delivered, all
// on the service's lab clock). The sequence numbers are given by the read-only server.ts in arrival order,
// so "exactly once, in order" means the ledger covers 0 … accepted-1 contiguously, batch after batch.
import fs from 'node:fs';
import { formatCount } from '#kit';

export const MAX_BATCH = 5_000;
export const FLUSH_AFTER_LAB_MS = 10_000;
/**
 * Timers never fire early, but a loaded 2-core machine runs them late, and at timeScale 0.05 a real stall
 * of 50 ms is 1 s of lab time. Tolerances, all in lab time:
 * - no report may wait more than 10 s + WAIT_SLACK (1 s of real stall): a queue that forgets its timer
 *   leaves reports waiting for minutes;
 * - the median wait of batches that did not fill up may exceed 10 s by at most TYPICAL_SLACK (the
 *   reference's median is 10.0-10.1 s; one stalled timer cannot move a median);
 * - a full batch leaves before the report after it arrives, give or take FULL_SLACK (400 ms of real
 *   stall while a 12,000-report bundle is pushed on a loaded machine; a flush deferred to
 *   the next turn of the event loop is fine, one held for the timer is seconds late);
 * - batches that do not fill up leave at least 10 s - EARLY_SLACK apart (timers run on the event loop's
 *   cached clock, a few ms behind the one the sink reads).
 */
const WAIT_SLACK = 20_000;
const TYPICAL_SLACK = 1_500;
const FULL_SLACK = 8_000;
const EARLY_SLACK = 1_000;

export interface BatchSummary {
  n: number;
  size: number;
  first: number;
  last: number;
  firstAt: number;
  deliveredAt: number;
}

export function readLedger(file: string): BatchSummary[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(
      `the batch endpoint's ledger could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        cause: err,
      },
    );
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as BatchSummary);
}

export interface Judged {
  problem: string | null;
  /** waits of batches that did not fill up and left before shutdown, lab ms */
  partialWaits: number[];
  batches: number;
  largest: number;
}

const seconds = (labMs: number) => `${(labMs / 1000).toFixed(1)} s`;

/**
 * Every accepted report delivered once, in order; no batch over 5,000; a full batch leaves as soon as it
 * is full; no report waits more than 10 s; partly filled batches at most once every 10 s. Batches
 * delivered from `shutdownAt` on (lab ms, service clock) were sent while the service shut down: only
 * completeness is judged for them. `where` names the traffic, e.g. "during the production rounds".
 */
export function judgeLedger(ledger: BatchSummary[], accepted: number, shutdownAt: number, where: string): Judged {
  const out = (problem: string | null): Judged => ({
    problem: problem && `${where}, ${problem}`,
    partialWaits,
    batches: ledger.length,
    largest: ledger.reduce((m, b) => Math.max(m, b.size), 0),
  });
  const partialWaits: number[] = [];
  let expected = 0;
  for (const b of ledger) {
    if (b.first > expected)
      return out(`reports #${expected} to #${b.first - 1} were never delivered (batch ${b.n} starts at #${b.first})`);
    if (b.first < expected) return out(`report #${b.first} was delivered twice or out of order (batch ${b.n})`);
    if (b.last - b.first + 1 !== b.size)
      return out(`batch ${b.n} holds ${formatCount(b.size)} reports but not #${b.first} to #${b.last} in order`);
    expected = b.last + 1;
  }
  if (expected < accepted) {
    const missing = accepted - expected;
    return out(
      `${formatCount(accepted)} reports were accepted but only ${formatCount(expected)} reached the batch endpoint (${formatCount(missing)} lost)`,
    );
  }
  if (expected > accepted)
    return out(`${formatCount(accepted)} reports were accepted but ${formatCount(expected)} were delivered`);

  const big = ledger.find((b) => b.size > MAX_BATCH);
  if (big)
    return out(
      `batch ${big.n} held ${formatCount(big.size)} reports; a batch may hold at most ${formatCount(MAX_BATCH)}`,
    );

  let lastPartial: BatchSummary | null = null;
  for (let i = 0; i < ledger.length; i++) {
    const b = ledger[i]!;
    if (b.deliveredAt >= shutdownAt) break;
    const wait = b.deliveredAt - b.firstAt;
    if (wait > FLUSH_AFTER_LAB_MS + WAIT_SLACK)
      return out(
        `batch ${b.n} (${formatCount(b.size)} reports) left ${seconds(wait)} after its first report arrived; the promise is 10 s`,
      );
    const next = ledger[i + 1];
    if (b.size === MAX_BATCH && next && b.deliveredAt - next.firstAt > FULL_SLACK)
      return out(`batch ${b.n} was full but left ${seconds(b.deliveredAt - next.firstAt)} after it filled up`);
    if (b.size < MAX_BATCH) {
      partialWaits.push(wait);
      if (lastPartial && b.deliveredAt - lastPartial.deliveredAt < FLUSH_AFTER_LAB_MS - EARLY_SLACK)
        return out(
          `batches ${lastPartial.n} and ${b.n} (${formatCount(lastPartial.size)} and ${formatCount(b.size)} reports) ` +
            `left ${seconds(b.deliveredAt - lastPartial.deliveredAt)} apart without filling up: the queue no longer waits 10 s to fill a batch`,
        );
      lastPartial = b;
    }
  }
  return out(null);
}

/** The typical wait of partly filled batches must be the promised 10 s, not more. */
export function judgeTypicalWait(waits: number[]): string | null {
  if (waits.length === 0) return null;
  const sorted = [...waits].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  if (median > FLUSH_AFTER_LAB_MS + TYPICAL_SLACK)
    return `batches that did not fill up typically left ${seconds(median)} after their first report (over ${sorted.length} such batches); the promise is 10 s`;
  return null;
}
