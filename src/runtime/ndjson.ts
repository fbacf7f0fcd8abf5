// Splits a stream of text chunks into lines; used for the runner's NDJSON event stream and for
// WebContainer's terminal output, where one chunk may hold half a line or several lines.
export class LineSplitter {
  private rest = '';
  private readonly maxLine: number;

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
    return parts.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  }

  /** Whatever is left when the stream ends. */
  flush(): string[] {
    const last = this.rest;
    this.rest = '';
    return last ? [last.endsWith('\r') ? last.slice(0, -1) : last] : [];
  }
}

/** Reads an NDJSON body, calling onValue for every non-blank line. */
export async function readNdjson(body: ReadableStream<Uint8Array>, onValue: (value: unknown) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const lines = new LineSplitter();
  const emit = (line: string) => {
    if (!line.trim()) return;
    try {
      onValue(JSON.parse(line));
    } catch {
      // A malformed line is dropped rather than ending the stream.
    }
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      lines.push(decoder.decode(value, { stream: true })).forEach(emit);
    }
    lines.push(decoder.decode()).forEach(emit);
    lines.flush().forEach(emit);
  } finally {
    reader.releaseLock();
  }
}
