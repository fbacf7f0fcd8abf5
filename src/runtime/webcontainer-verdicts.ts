// The page's end of the verdict channel in WebContainer (contracts/verdict.ts). The container gives a
// process one terminal stream, shared by the supervisor and everything the lab prints, so results
// cannot travel there. The supervisor appends sealed records to a file outside the lab's workspace,
// named (with the run's secret) only in its own argv; a check line on the terminal is just a notice
// to read that file. Only records sealed with the secret, for the Check under way, in order, up to its
// one 'end', are believed.
import {
  hmacHex,
  parseRecord,
  randomHex,
  splitSealed,
  VERDICT_FILE_ARG,
  VERDICT_SECRET_ARG,
  VerdictGate,
  type CheckEvent,
} from '../../contracts/verdict.ts';
import type { WcContainer } from './webcontainer-api.ts';

/** Outside every lab-<n> workspace: a service's working directory does not contain it. */
export const VERDICTS_DIR = '.leakbook-verdicts';

export class WcVerdicts {
  private readonly secret = randomHex();
  /** relative to the container's work directory */
  readonly file = `${VERDICTS_DIR}/${randomHex(12)}.log`;
  private gate: VerdictGate | null = null;
  private consumed = 0;
  private reading: Promise<void> = Promise.resolve();
  private readonly wc: WcContainer;
  private readonly onEvent: (ev: CheckEvent) => void;

  constructor(wc: WcContainer, onEvent: (ev: CheckEvent) => void) {
    this.wc = wc;
    this.onEvent = onEvent;
  }

  /** Make the (empty) file; returns the supervisor arguments that name it, relative to cwd. */
  async open(cwdFromWorkdir: string): Promise<string[]> {
    await this.wc.fs.mkdir(VERDICTS_DIR, { recursive: true });
    await this.wc.fs.writeFile(this.file, '');
    const up = cwdFromWorkdir.split('/').map(() => '..');
    return [`${VERDICT_FILE_ARG}=${[...up, this.file].join('/')}`, `${VERDICT_SECRET_ARG}=${this.secret}`];
  }

  /** A Check starts; its command must carry the returned nonce. */
  expect(): string {
    const nonce = randomHex(16);
    this.gate = new VerdictGate(nonce);
    return nonce;
  }

  get checking(): boolean {
    return this.gate !== null && !this.gate.done;
  }

  cancel(): void {
    this.gate = null;
  }

  /** Read what was appended since last time (serialised: notices may come faster than reads). */
  read(): Promise<void> {
    this.reading = this.reading.then(() => this.readNow()).catch(() => undefined);
    return this.reading;
  }

  private async readNow(): Promise<void> {
    const text = await this.wc.fs.readFile(this.file, 'utf8');
    const lines = text.split('\n');
    lines.pop(); // the part after the last newline is not a whole record yet
    for (const line of lines.slice(this.consumed)) {
      this.consumed++;
      const sealed = splitSealed(line);
      if (!sealed || !this.gate) continue;
      if ((await hmacHex(this.secret, sealed.body)) !== sealed.mac) continue;
      const record = parseRecord(sealed.body);
      const verdict = record && this.gate?.accept(record);
      if (!verdict?.ok) continue;
      if (this.gate.done) this.gate = null;
      this.onEvent(verdict.event);
    }
  }

  async dispose(): Promise<void> {
    await this.wc.fs.rm(this.file, { force: true }).catch(() => undefined);
  }
}
