// Splits a stream of text chunks into lines: the framing of the lab protocol over pipes and PTYs, the
// runner's NDJSON stream and the output pane. One chunk may hold half a line or several lines.

export class LineSplitter {
  private rest = '';
  private readonly maxLine: number;

  /** maxLine: a line longer than this without a newline is handed over in pieces. */
  constructor(maxLine = 1 << 20) {
    this.maxLine = maxLine;
  }

  /** Returns the complete lines in chunk (without their \n or \r\n). */
  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const parts = text.split('\n');
    this.rest = parts.pop() ?? '';
    if (this.rest.length > this.maxLine) {
      // A runaway line without a newline: hand it over in pieces rather than growing forever.
      parts.push(this.rest);
      this.rest = '';
    }
    return parts.map(stripCr);
  }

  /** Whatever is left when the stream ends (or must be shown now). */
  flush(): string[] {
    const last = this.rest;
    this.rest = '';
    return last ? [stripCr(last)] : [];
  }
}

const stripCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);
