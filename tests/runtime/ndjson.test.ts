// Line framing shared by the runner client (NDJSON) and the WebContainer adapter (terminal output).
import { describe, expect, it } from 'vitest';
import { LineSplitter, readNdjson } from '../../src/runtime/ndjson.ts';

describe('LineSplitter', () => {
  it('joins lines split across chunks and drops terminal \\r', () => {
    const s = new LineSplitter();
    expect(s.push('{"a":')).toEqual([]);
    expect(s.push('1}\r\n{"b"')).toEqual(['{"a":1}']);
    expect(s.push(':2}\r\n\r\nlast')).toEqual(['{"b":2}', '']);
    expect(s.flush()).toEqual(['last']);
    expect(s.flush()).toEqual([]);
  });

  it('hands over a runaway line in pieces instead of growing without end', () => {
    const s = new LineSplitter(10);
    expect(s.push('x'.repeat(25))).toEqual(['x'.repeat(25)]);
    expect(s.push('yy\n')).toEqual(['yy']);
  });
});

describe('readNdjson', () => {
  it('parses values across byte chunks (even inside a multi-byte character), skipping blank and bad lines', async () => {
    const bytes = new TextEncoder().encode('{"t":"Grüße"}\n\n not json\n{"n":2}');
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        const cut = bytes.indexOf(0xc3) + 1; // between the two bytes of "ü"
        c.enqueue(bytes.slice(0, cut));
        c.enqueue(bytes.slice(cut));
        c.close();
      },
    });
    const values: unknown[] = [];
    await readNdjson(body, (v) => values.push(v));
    expect(values).toEqual([{ t: 'Grüße' }, { n: 2 }]);
  });
});
