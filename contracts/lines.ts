// Splits a stream of text chunks into lines: the framing of the lab protocol over pipes and PTYs, the
// runner's NDJSON stream and the output pane. One chunk may hold half a line or several lines.
// - A line longer than maxLine is cut: its first maxLine characters are handed over at once, with
//   CUT_MARK at the end, and the rest is skipped up to the next newline, never buffered.
// - "\r" (a progress bar redrawing its line) keeps only the line's latest state.
// - breakBefore (the protocol's prefix) starts a new line wherever it appears, so output printed
//   without a newline is not swallowed by the protocol line that follows it.

/** The longest line of lab output the kit and the runner keep; the rest of a longer line is cut. */
export const LINE_CAP = 256 * 1024;

/** Appended to a line that was cut at the limit. */
export const CUT_MARK = ' [… line cut: it was too long to show]';

export class LineSplitter {
  private rest = '';
  /** the current line was cut and handed over: skip the rest of it */
  private cut = false;
  /** a protocol line interrupted a cut line: skip on once it has ended */
  private resumeCut = false;
  /** a "\r" ended the last chunk: either half of "\r\n", or the start of a redraw */
  private pendingCr = false;
  /** the end of the last chunk, when it could be the start of breakBefore */
  private hold = '';
  private readonly maxLine: number;
  private readonly breakBefore: string;

  constructor(maxLine = 1 << 20, breakBefore = '') {
    this.maxLine = maxLine;
    this.breakBefore = breakBefore;
  }

  /** Returns the complete lines in chunk (without their \n or \r\n). */
  push(chunk: string): string[] {
    const out: string[] = [];
    let at = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', at);
      this.take(nl === -1 ? chunk.slice(at) : chunk.slice(at, nl), out);
      if (nl === -1) return out;
      this.endLine(out, true);
      at = nl + 1;
    }
  }

  /** Whatever is left when the stream ends (or must be shown now). */
  flush(): string[] {
    const out: string[] = [];
    this.endLine(out, false);
    return out;
  }

  private take(segment: string, out: string[]): void {
    let text = this.hold + segment;
    this.hold = '';
    const prefix = this.breakBefore;
    if (prefix) {
      // a protocol line begins wherever its prefix does: what came before it is a line of its own
      if (text.startsWith(prefix)) this.startProtocolLine(out);
      for (let p = text.indexOf(prefix, 1); p !== -1; p = text.indexOf(prefix, 1)) {
        this.append(text.slice(0, p), out);
        this.startProtocolLine(out);
        text = text.slice(p);
      }
      // the chunk may end in the middle of the prefix: keep that back until the next chunk
      for (let n = Math.min(prefix.length - 1, text.length); n > 0; n--)
        if (prefix.startsWith(text.slice(-n))) {
          this.hold = text.slice(-n);
          text = text.slice(0, -n);
          break;
        }
    }
    this.append(text, out);
  }

  private append(text: string, out: string[]): void {
    if (text === '') return;
    if (this.pendingCr) this.restartLine();
    const endsInCr = text.endsWith('\r');
    if (endsInCr) text = text.slice(0, -1);
    const cr = text.lastIndexOf('\r');
    if (cr !== -1) {
      this.restartLine();
      text = text.slice(cr + 1);
    }
    this.pendingCr = endsInCr;
    if (this.cut) return;
    const room = this.maxLine - this.rest.length;
    if (text.length > room) {
      out.push(this.rest + text.slice(0, room) + CUT_MARK);
      this.rest = '';
      this.cut = true;
    } else this.rest += text;
  }

  /** A protocol line begins: the line before it ends; if that one was cut, its rest is still skipped
   * after the protocol line (which interrupts it without ending it). */
  private startProtocolLine(out: string[]): void {
    const skipping = this.cut || this.resumeCut;
    this.endLine(out, false);
    this.resumeCut = skipping;
    this.cut = false;
  }

  private restartLine(): void {
    this.rest = '';
    this.cut = false;
  }

  /** newline: a newline ended the line (an empty line is a line then); otherwise only text counts. */
  private endLine(out: string[], newline: boolean): void {
    if (this.hold) {
      const held = this.hold;
      this.hold = '';
      this.append(held, out);
    }
    this.pendingCr = false;
    if (this.rest !== '' || (newline && !this.cut)) out.push(this.rest);
    this.rest = '';
    this.cut = this.resumeCut;
    this.resumeCut = false;
  }
}
