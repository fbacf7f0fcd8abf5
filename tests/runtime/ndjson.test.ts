// The runner client's NDJSON reader.
import { describe, expect, it } from 'vitest';
import { readNdjson } from '../../src/runtime/ndjson.ts';

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
