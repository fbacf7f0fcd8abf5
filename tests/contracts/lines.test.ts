// The one line splitter: the lab protocol over pipes and PTYs, the runner's NDJSON stream, the output pane.
import { describe, expect, it } from 'vitest';
import { CUT_MARK, LineSplitter } from '../../contracts/lines.ts';

describe('LineSplitter', () => {
  it('joins lines split across chunks and drops terminal \\r', () => {
    const s = new LineSplitter();
    expect(s.push('{"a":')).toEqual([]);
    expect(s.push('1}\r\n{"b"')).toEqual(['{"a":1}']);
    expect(s.push(':2}\r\n\r\nlast')).toEqual(['{"b":2}', '']);
    expect(s.flush()).toEqual(['last']);
    expect(s.flush()).toEqual([]);
  });

  it('cuts a runaway line at the cap, says so at once, and skips the rest up to its newline', () => {
    const s = new LineSplitter(10);
    expect(s.push('x'.repeat(25))).toEqual(['x'.repeat(10) + CUT_MARK]);
    expect(s.push('y'.repeat(1000))).toEqual([]);
    expect(s.push('yy\nnext\n')).toEqual(['next']);
    expect(s.flush()).toEqual([]);
  });

  it('never holds more than the cap, however long the line', () => {
    const s = new LineSplitter(1024);
    const chunk = 'z'.repeat(64 * 1024);
    let out: string[] = [];
    for (let i = 0; i < 3200; i++) out = out.concat(s.push(chunk)); // 200 MB without a newline
    expect(out).toEqual(['z'.repeat(1024) + CUT_MARK]);
    expect((s as unknown as { rest: string }).rest.length).toBeLessThanOrEqual(1024);
  });

  it('shows a line redrawn with \\r in its latest state, also across chunks', () => {
    const s = new LineSplitter();
    expect(s.push('progress 10%\rprogress 20%\r')).toEqual([]);
    expect(s.push('progress 30%')).toEqual([]);
    expect(s.push('\ndone\r\n')).toEqual(['progress 30%', 'done']);
    // a redraw after a cut line starts over
    const cut = new LineSplitter(5);
    expect(cut.push('abcdefgh')).toEqual(['abcde' + CUT_MARK]);
    expect(cut.push('\rok\n')).toEqual(['ok']);
  });

  it('starts a protocol line wherever its prefix appears, so output before it is kept', () => {
    const P = '\u001eLB ';
    const s = new LineSplitter(1 << 20, P);
    expect(s.push(`loading…${P}{"type":"ready"}\n`)).toEqual(['loading…', `${P}{"type":"ready"}`]);
    // the prefix split across chunks, and output without a newline in the chunk before
    expect(s.push('half a line')).toEqual([]);
    expect(s.push(`\u001e`)).toEqual([]);
    expect(s.push(`LB {"a":1}\n`)).toEqual(['half a line', `${P}{"a":1}`]);
    // a \u001e that turns out not to start the prefix stays in the output
    expect(s.push('a\u001e')).toEqual([]);
    expect(s.push('b\n')).toEqual(['a\u001eb']);
    // a protocol line right after a cut line is not skipped with the cut line's rest
    const cut = new LineSplitter(12, P);
    expect(cut.push(`${'x'.repeat(16)}${P}{}\n`)).toEqual(['x'.repeat(12) + CUT_MARK, `${P}{}`]);
    // and the rest of the cut line, after the protocol line, is still skipped up to its newline
    expect(cut.push(`${'x'.repeat(20)}${P}{"b":2}\n${'x'.repeat(20)}\nnext\n`)).toEqual([`${P}{"b":2}`, 'next']);
  });
});

describe('LineSplitter without a length cap', () => {
  it('keeps a long protocol line whole', () => {
    const s = new LineSplitter(Infinity);
    expect(s.push('x'.repeat(3 << 20))).toEqual([]);
    expect(s.push('\n')).toEqual(['x'.repeat(3 << 20)]);
  });
});
