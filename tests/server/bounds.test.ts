// Whatever a lab prints, the runner and the supervisor hold a bounded amount of it: a 200 MB line, 385 MB
// of forged protocol events, a flood of warnings. Their peak memory (VmHWM in /proc) stays under the
// stated ceiling, the runner keeps answering, and the page is told what was cut or dropped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CUT_MARK } from '../../contracts/lines.ts';
import type { RuntimeEvent } from '../../contracts/runtime-events.ts';
import { api, childPids, followEvents, labProcessesOf, startRunner, type Runner } from './harness.ts';

/** The runner's and the supervisor's memory ceiling, as the README states it. */
const CEILING = 200 * 1024 * 1024;
const MB = 1024 * 1024;

let r: Runner;
beforeAll(async () => {
  r = await startRunner({ limits: { maxRuns: 1, orphanMs: 120_000 } });
}, 30_000);
afterAll(async () => {
  await r?.stop();
  // `ps` after these tests: nothing any of their labs started is still running
  if (r) expect(labProcessesOf(r)).toEqual([]);
});

/** Peak resident memory of a process so far, in bytes. */
function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? NaN) * 1024;
}

const lab = (flood: string) => `import http from 'node:http';
import { defineService } from '#kit';
const write = (s: string) => new Promise<void>((done) => process.stdout.write(s, () => done()));
async function flood() {
  await new Promise((done) => setTimeout(done, 300));
${flood}
  await write('after the flood\\n');
}
export default defineService(() => {
  void flood();
  return { server: http.createServer((_q, s) => s.end('hi')) };
});
`;

/** Run the lab while asking the runner for its health every 250 ms; returns the events and the
 * slowest answer. */
async function flood(code: string, done: (events: RuntimeEvent[]) => boolean) {
  const created = await api(r, 'POST', '/api/runs', { labId: 'probe-lab', files: { 'service.ts': code } });
  expect(created.status, created.body).toBe(201);
  const { runId } = JSON.parse(created.body) as { runId: string };
  const events = followEvents(r, runId);
  await events.waitFor((e) => e.type === 'ready', 30_000, 'ready');
  const [supervisor] = childPids(r.pid);
  let slowest = 0;
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const t = performance.now();
      const health = await api(r, 'GET', '/api/health');
      expect(health.status).toBe(200);
      slowest = Math.max(slowest, performance.now() - t);
      await new Promise((next) => setTimeout(next, 250));
    }
  })();
  const until = Date.now() + 180_000;
  while (!done(events.events) && Date.now() < until) await new Promise((next) => setTimeout(next, 200));
  polling = false;
  await poll;
  const supervisorPeak = peakRss(supervisor);
  // a page that connects now is replayed a bounded amount
  const replay = followEvents(r, runId);
  await replay.opened;
  await new Promise((next) => setTimeout(next, 500));
  const replayBytes = replay.events.reduce((n, e) => n + JSON.stringify(e).length, 0);
  replay.close();
  events.close();
  await api(r, 'DELETE', `/api/runs/${runId}`);
  expect(done(events.events), 'the flood to be over').toBe(true);
  if (process.env.LEAKBOOK_REPORT)
    console.log(
      `runner peak ${peakRss(r.pid) / MB} MB, supervisor peak ${supervisorPeak / MB} MB, slowest health ${Math.round(slowest)} ms, replay ${replayBytes} bytes`,
    );
  return { events: events.events, slowest, supervisorPeak, replayBytes };
}

const outputs = (events: RuntimeEvent[]) => events.flatMap((e) => (e.type === 'output' ? [e.text] : []));
const after = (events: RuntimeEvent[]) => outputs(events).includes('after the flood\n');

describe('a lab that floods its output', () => {
  it('prints a 200 MB line: cut at 256 KB, marked, and what follows still arrives', async () => {
    const result = await flood(
      lab(`  const chunk = 'x'.repeat(1 << 20);
  for (let i = 0; i < 200; i++) await write(chunk);
  await write('\\n');`),
      after,
    );
    // one line (the host's metrics lines interleaved in the same pipe do not split it), cut at the cap
    const long = outputs(result.events).filter((t) => t.includes('xxxx'));
    expect(long).toHaveLength(1);
    expect(long[0].length).toBeLessThanOrEqual(256 * 1024 + CUT_MARK.length + 1);
    expect(long[0]).toContain(CUT_MARK);
    expect(result.events.some((e) => e.type === 'error' && /event loop is blocked/.test(e.message))).toBe(false);
    expect(result.supervisorPeak).toBeLessThan(CEILING);
    expect(result.slowest).toBeLessThan(2000);
    expect(peakRss(r.pid)).toBeLessThan(CEILING);
  }, 240_000);

  it('forges 385 MB of protocol events: none is believed, all count as output, replay bounded', async () => {
    // A service's stdout carries no protocol (its host speaks on a private channel), so forged event
    // lines are the lab's own output: shown as text (with \u001e made visible) and cut at the budget.
    const budgetSaid = (events: RuntimeEvent[]) =>
      outputs(events).some((t) => /more than 2 MB of output and warnings/.test(t));
    const result = await flood(
      lab(`  const line = '\\u001eLB ' + JSON.stringify({ type: 'scenario', id: 'ping', phase: 'progress', message: 'y'.repeat(64 * 1024) }) + '\\n';
  const batch = line.repeat(16);
  for (let sent = 0; sent < 385 * 1024 * 1024; sent += batch.length) await write(batch);`),
      budgetSaid,
    );
    expect(result.events.filter((e) => e.type === 'scenario' && e.phase === 'progress')).toEqual([]);
    const shown = outputs(result.events).join('');
    expect(shown.length).toBeLessThan(2 * MB + 256 * 1024);
    expect(shown).not.toContain('\u001eLB');
    expect(result.replayBytes).toBeLessThan(4 * MB + 256 * 1024);
    expect(result.supervisorPeak).toBeLessThan(CEILING);
    expect(result.slowest).toBeLessThan(2000);
    expect(peakRss(r.pid)).toBeLessThan(CEILING);
  }, 240_000);

  it('floods warnings: they count against the 2 MB output budget', async () => {
    const notice = (events: RuntimeEvent[]) =>
      outputs(events).some((t) => /more than 2 MB of output and warnings/.test(t));
    const result = await flood(
      lab(`  for (let i = 0; i < 1000; i++) {
    process.emitWarning('w'.repeat(10_000) + i, 'FloodWarning');
    if (i % 20 === 0) await new Promise((next) => setTimeout(next, 1));
  }`),
      notice,
    );
    const warningBytes = result.events
      .filter((e) => e.type === 'warning')
      .reduce((n, e) => n + JSON.stringify(e).length, 0);
    const outputBytes = outputs(result.events).reduce((n, t) => n + t.length, 0);
    expect(warningBytes + outputBytes).toBeLessThan(2 * MB + 64 * 1024);
    expect(outputs(result.events).filter((t) => /more than 2 MB of output and warnings/.test(t))).toHaveLength(1);
    expect(peakRss(r.pid)).toBeLessThan(CEILING);
  }, 240_000);
});
