// The starter's end of the verdict channel (contracts/verdict.ts) for Node starters (CLI, tests, the
// local runner): a pipe on the supervisor's descriptor 3 that the service never inherits, opened with a
// fresh secret as its first line; only records sealed with that secret, of the Check under way, in
// order, up to its one 'end', are accepted.
import type { Duplex } from 'node:stream';
import { LineSplitter } from '../contracts/lines.ts';
import { parseRecord, splitSealed, VerdictGate, type CheckEvent } from '../contracts/verdict.ts';
import { newSecret, unseal } from '../kit/seal.ts';

export class VerdictIn {
  private readonly secret = newSecret();
  private gate: VerdictGate | null = null;
  private readonly onEvent: (ev: CheckEvent) => void;
  private readonly onRefused: (reason: string) => void;

  /** pipe: the supervisor's stdio[3]; onEvent gets every accepted record, onRefused every line that was not */
  /** checkOnce: ask the supervisor for one Check and an exit (instead of `--check` in its argv) */
  constructor(
    pipe: Duplex,
    onEvent: (ev: CheckEvent) => void,
    opts: { onRefused?: (reason: string) => void; checkOnce?: boolean } = {},
  ) {
    this.onEvent = onEvent;
    this.onRefused = opts.onRefused ?? (() => {});
    pipe.on('error', () => {});
    pipe.write(this.secret + (opts.checkOnce ? ' check' : '') + '\n');
    if (opts.checkOnce) this.expect('');
    // records are small (a few KB); a longer line is not one and is refused whole, never split into pieces
    const lines = new LineSplitter(1 << 20);
    pipe.setEncoding('utf8');
    pipe.on('data', (chunk: string) => lines.push(chunk).forEach((l) => this.line(l)));
  }

  /** A Check starts: records with this nonce are accepted from now until its 'end'. */
  expect(nonce: string): void {
    this.gate = new VerdictGate(nonce);
  }

  /** No Check is under way any more (the run stopped, the check could not start). */
  cancel(): void {
    this.gate = null;
  }

  get checking(): boolean {
    return this.gate !== null && !this.gate.done;
  }

  private line(line: string): void {
    if (!line) return;
    const sealed = splitSealed(line);
    const body = sealed ? unseal(this.secret, line) : null;
    const record = body === null ? null : parseRecord(body);
    if (!record) return this.onRefused('a line on the verdict channel that is not sealed with this run’s secret');
    if (!this.gate) return this.onRefused('a check record while no Check was running');
    const verdict = this.gate.accept(record);
    if (!verdict.ok) return this.onRefused(verdict.reason);
    if (this.gate.done) this.gate = null;
    this.onEvent(verdict.event);
  }
}
