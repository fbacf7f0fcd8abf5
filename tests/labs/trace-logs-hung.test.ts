// A service that stops answering fails each trace-logs task within 10 s, and the message says what the
// check was waiting for (not a bare timeout of the whole task).
import { expect, it } from 'vitest';
import { runLabCheck } from '../../engine/supervise.ts';

// A logging.ts that swallows every request it wraps: the service accepts connections but never answers.
const HUNG = `
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Handler, Log } from './work.ts';
export function withRequestLog(_handler: Handler): (req: IncomingMessage, res: ServerResponse) => void {
  return () => {};
}
export function runJob(_name: string, job: (log: Log) => void): void {
  job(() => {});
}
export function logGauges(): Record<string, () => number> {
  return {};
}
`;

it('fails every task of a hung service within 10 s, naming the request it waited for', async () => {
  const started = performance.now();
  const durations: number[] = [];
  let last = started;
  const report = await runLabCheck({
    labId: 'trace-logs',
    files: { 'logging.ts': HUNG },
    onTask: () => {
      const now = performance.now();
      durations.push(now - last);
      last = now;
    },
  });
  expect(report.tasks.map((t) => t.passed)).toEqual([false, false]);
  for (const t of report.tasks)
    expect(t.message).toMatch(/did not answer (GET|HEAD|POST|PUT|DELETE) \/\S+.*waited 5 s for its response/);
  for (const ms of durations) expect(ms).toBeLessThan(10_000);
}, 60_000);
