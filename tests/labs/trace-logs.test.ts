// The trace-logs checks trust the file-service ledger; these tests make sure it cannot be fooled by
// lines that arrive twice, out of order, split across trace IDs or mixed between requests.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ledger,
  noteWritten,
  resetLedger,
  upload,
  linesNotUploaded,
} from '../../labs/trace-logs/starter/file-service.ts';

const lines = ['[order-1] received', '[order-1] loaded', '[order-1] responded 200'];

function subject(name: string) {
  return ledger().subjects.find((s) => s.subject === name)!;
}

describe('trace-logs file-service ledger', () => {
  beforeEach(() => {
    resetLedger();
    lines.forEach(noteWritten);
  });

  it('accepts the written lines, in order, split over a follow-up upload under one trace ID', () => {
    upload('t1', lines.slice(0, 2));
    upload('t1', lines.slice(2));
    expect(subject('order-1')).toMatchObject({ written: 3, received: 3, intact: true, traceIds: ['t1'], uploads: 2 });
    expect(linesNotUploaded()).toBe(0);
  });

  it('notices lines out of order', () => {
    upload('t1', [lines[1], lines[0], lines[2]]);
    expect(subject('order-1').intact).toBe(false);
  });

  it('notices a line uploaded twice and one missing', () => {
    upload('t1', [lines[0], lines[0], lines[1]]);
    expect(subject('order-1')).toMatchObject({ received: 3, intact: false });
  });

  it('notices lines that never arrived', () => {
    upload('t1', lines.slice(0, 2));
    expect(subject('order-1')).toMatchObject({ written: 3, received: 2, intact: false });
    expect(linesNotUploaded()).toBe(1);
  });

  it('notices one request split over two trace IDs and uploads mixing requests', () => {
    noteWritten('[order-2] received');
    upload('t1', [lines[0], '[order-2] received']);
    upload('t2', lines.slice(1));
    expect(subject('order-1').traceIds).toEqual(['t1', 't2']);
    expect(ledger().mixedUploads).toBe(1);
  });

  it('refuses uploads without a trace ID', () => {
    expect(() => upload('', lines)).toThrow(/trace ID/);
  });
});
