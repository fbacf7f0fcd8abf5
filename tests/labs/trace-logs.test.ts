// The trace-logs judge: the file service's ledger records every upload exactly, the checks' model of the
// read-only service agrees with what work.ts really logs and answers, and the ledger judge accepts
// exactly the reference's deliveries and names what is wrong with any other.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  expectedLines,
  expectedResponse,
  fingerprint,
  reportLines,
  type Route,
} from '../../labs/trace-logs/checks/model.ts';
import { judgeFiled, readFiled } from '../../labs/trace-logs/checks/ledger.ts';
import type { Sent } from '../../labs/trace-logs/checks/traffic.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trace-logs-'));
vi.spyOn(process, 'cwd').mockReturnValue(dir);
const files = await import('../../labs/trace-logs/starter/file-service.ts');
const work = await import('../../labs/trace-logs/starter/work.ts');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A response stand-in with what work.ts uses: head, body, 'close', finished and destroyed flags. */
class FakeResponse extends EventEmitter {
  status = 0;
  type = '';
  body = '';
  destroyed = false;
  writableFinished = false;
  writeHead(status: number, headers: Record<string, string>) {
    this.status = status;
    this.type = headers['content-type'] ?? '';
  }
  write(chunk: string) {
    this.body += chunk;
  }
  end(chunk = '') {
    this.body += chunk;
    this.writableFinished = true;
    this.emit('close');
  }
  disconnect() {
    this.destroyed = true;
    this.emit('close');
  }
}

async function runHandler(
  route: Exclude<Route, { kind: 'unknown' }>,
  abandon = false,
): Promise<{ res: FakeResponse; lines: string[] }> {
  const res = new FakeResponse();
  const lines: string[] = [];
  const handler = route.kind === 'order' ? work.getOrder(route.n, () => 0) : work.exportOrders(route.n, () => 0);
  handler({} as never, res as never, (line) => lines.push(line));
  if (abandon) res.disconnect();
  for (let i = 0; i < 40 && !res.writableFinished && !res.destroyed; i++) await new Promise((r) => setTimeout(r, 1));
  await new Promise((r) => setTimeout(r, 5)); // the audit line
  return { res, lines };
}

describe('the checks model the read-only service', () => {
  it.each([17, 0, 899_999, 900_000, 950_123])('order %i: the same answer and lines as work.ts', async (n) => {
    const route: Route = { kind: 'order', n };
    const { res, lines } = await runHandler(route);
    const want = expectedResponse(route);
    expect({ status: res.status, type: res.type, body: res.body }).toEqual({
      status: want.status,
      type: want.contentType,
      body: want.body,
    });
    expect(expectedLines(route, null)).toEqual([lines]);
  });

  it('exports: the whole body and "finished", or "client disconnected" when the client leaves', async () => {
    const route: Route = { kind: 'export', n: 4242 };
    const whole = await runHandler(route);
    expect(whole.res.body).toBe(expectedResponse(route).body);
    expect(expectedLines(route, true)).toEqual([whole.lines]);
    const left = await runHandler(route, true);
    expect(expectedLines(route, false)).toEqual([left.lines]);
    expect(expectedLines(route, null)).toEqual([whole.lines, left.lines]);
  });

  it('report runs: every line of runs 1 to 8, the failing ones cut short', () => {
    for (let run = 1; run <= 8; run++) {
      const lines: string[] = [];
      const go = () => work.hourlyReport((line) => lines.push(line));
      if (run % 4 === 3) expect(go).toThrow(`hourly report ${run} failed`);
      else go();
      expect(lines).toEqual(reportLines(run));
    }
  });
});

const order = (n: number): Route => ({ kind: 'order', n });
const sent = (route: Route, traceId: string, completed = true): Sent => ({
  req: { method: 'GET', path: `/orders/${route.kind === 'unknown' ? '' : route.n}`, route },
  traceId,
  status: 200,
  completed,
});

/** Upload through the real file service and judge its ledger file. */
function judge(uploads: Array<[string, string[]]>, requests: Sent[], reportRuns = 0) {
  files.resetLedger();
  for (const [traceId, lines] of uploads) files.upload(traceId, lines);
  const file = files.ledger().file;
  const problems = judgeFiled(readFiled(file), requests, reportRuns, 'in the test').problems;
  fs.writeFileSync(file, '');
  return problems;
}

describe('the file-service ledger and its judge', () => {
  const [a, b] = [expectedLines(order(1), null)[0]!, expectedLines(order(2), null)[0]!];
  const requests = [sent(order(1), 't1'), sent(order(2), 't2')];

  it('records each upload: trace ID, and per subject its line count and fingerprint', () => {
    files.resetLedger();
    files.upload('t1', a.slice(0, 3));
    const filed = readFiled(files.ledger().file);
    expect(filed.subjects.get('order-1')).toEqual([{ traceId: 't1', lines: 3, hash: fingerprint(a, 0, 3) }]);
    fs.writeFileSync(files.ledger().file, '');
  });

  it('accepts the reference: each request once, in order, late lines in a follow-up under the same ID', () => {
    expect(
      judge(
        [
          ['t1', a.slice(0, 3)],
          ['t2', b],
          ['t1', a.slice(3)],
        ],
        requests,
      ),
    ).toEqual([]);
  });

  it('accepts a report run uploaded whole under its own trace ID, and names a missing one', () => {
    expect(judge([['job-1', reportLines(1)]], [], 1)).toEqual([]);
    expect(judge([], [], 1).join()).toMatch(/hourly report run 1: none of its 4002 lines arrived/);
    const cut = judge(
      [
        ['job-1', reportLines(1)],
        ['job-2', reportLines(2)],
        ['job-3', reportLines(3).slice(0, 10)],
      ],
      [],
      3,
    );
    expect(cut.join()).toMatch(/run 3 \(the run that fails part-way\): 10 of its 1004 lines arrived/);
  });

  it('names lost late lines, duplicates, reordering, mixing and the wrong trace ID', () => {
    expect(
      judge(
        [
          ['t1', a.slice(0, 3)],
          ['t2', b],
        ],
        requests,
      ).join(),
    ).toMatch(/3 of its 4 lines arrived; missing: "audit record/);
    expect(
      judge(
        [
          ['t1', a],
          ['t1', a.slice(3)],
          ['t2', b],
        ],
        requests,
      ).join(),
    ).toMatch(/5 lines arrived for the 4 it wrote/);
    expect(
      judge(
        [
          ['t1', [a[1]!, a[0]!, a[2]!, a[3]!]],
          ['t2', b],
        ],
        requests,
      ).join(),
    ).toMatch(/out of order/);
    expect(judge([['t1', [...a, ...b]]], requests).join()).toMatch(/one upload held lines of order-1 and order-2/);
    expect(
      judge(
        [
          ['t2', a],
          ['t1', b],
        ],
        requests,
      ).join(),
    ).toMatch(/other than its x-trace-id header/);
    expect(
      judge(
        [
          ['t1', a.slice(0, 3)],
          ['t9', a.slice(3)],
          ['t2', b],
        ],
        requests,
      ).join(),
    ).toMatch(/2 different trace IDs/);
  });

  it('refuses uploads without a trace ID', () => {
    expect(() => files.upload('', a)).toThrow(/trace ID/);
  });
});
