// Reads the runner's NDJSON event stream (contracts/runner-api.ts).
import { LineSplitter } from '../../contracts/lines.ts';

/** Reads an NDJSON body, calling onValue for every non-blank line. */
export async function readNdjson<T>(body: ReadableStream<Uint8Array>, onValue: (value: T) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  // the runner's events hold lines of at most 256 KB; JSON escaping may grow them several times
  const lines = new LineSplitter(16 << 20);
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
