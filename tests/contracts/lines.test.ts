// The one line splitter: the lab protocol over pipes and PTYs, the runner's NDJSON stream, the output pane.
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../contracts/lines.ts';

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

describe('LineSplitter without a length cap', () => {
  it('keeps a long protocol line whole', () => {
    const s = new LineSplitter(Infinity);
    expect(s.push('x'.repeat(3 << 20))).toEqual([]);
    expect(s.push('\n')).toEqual(['x'.repeat(3 << 20)]);
  });
});
