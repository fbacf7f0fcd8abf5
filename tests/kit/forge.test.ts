// Lab code that tries to forge what the kit measures or reports, each attempt in a tiny lab whose
// service keeps 300 objects it should not: the kit must still count 300, say so, and never report a
// result the checks did not give.
import fs from 'node:fs';
import { Duplex } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabEvent } from '../../contracts/lab-protocol.ts';
import type { CheckEvent } from '../../contracts/verdict.ts';
import { runLabCheck, spawnSupervisor } from '../../engine/supervise.ts';
import { VerdictIn } from '../../engine/verdict-in.ts';
import { createWorkspace } from '../../engine/workspace.ts';
import { seal } from '../../kit/seal.ts';
import { makeLabsRoot } from '../engine/fixture-labs.ts';

/** A service that keeps 300 Kept objects and 5 timers; `forge` runs first, in the service's process. */
const service = (forge: string, after = '') => `import http from 'node:http';
import { defineService } from '#kit';
${forge}
export class Kept { n: number; constructor(n: number) { this.n = n; } }
const kept: Kept[] = [];
for (let i = 0; i < 300; i++) kept.push(new Kept(i));
const timers = Array.from({ length: 5 }, () => setInterval(() => {}, 60_000));
export default defineService((ctx) => {
  ctx.gauge('kept', () => kept.length + timers.length * 0);
  let override = 'no override tried';
  ${after}
  return { server: http.createServer((req, res) => res.end(req.url === '/override' ? override : 'ok')) };
});
`;

const CHECKS = `import { defineChecks } from '#kit';
export default defineChecks({
  answers: async (t) => {
    await t.service.request('/');
    const m = await t.service.measure({ gc: true, count: ['Kept'], resources: true });
    const o = (await t.service.request('/override')).body.toString('utf8');
    const kept = m.counts?.Kept ?? -1;
    return {
      passed: kept < 10,
      message: \`kept \${kept}; timers \${m.resources?.Timeout ?? 0}; gauge \${m.gauges.kept}; heap \${m.heapUsed}; afterGc \${m.afterGc}; limit \${m.heapSizeLimit}; peak \${m.peakRss}; code \${m.codeHeap}; \${o}\`,
    };
  },
});
`;

const PATCH_MEASUREMENTS = `import { createRequire, syncBuiltinESMExports } from 'node:module';
const v8 = createRequire(import.meta.url)('node:v8');
v8.queryObjects = () => 0;
v8.getHeapStatistics = () => ({ used_heap_size: 1, total_heap_size: 1, heap_size_limit: 1 });
v8.getHeapSpaceStatistics = () => [{ space_name: 'code_space', space_size: 1e9, space_used_size: 1e9, space_available_size: 0, physical_space_size: 1e9 }];
v8.writeHeapSnapshot = () => '/dev/null';
process.memoryUsage = Object.assign(() => ({ rss: 1, heapUsed: 1, heapTotal: 1, external: 0, arrayBuffers: 0 }), { rss: () => 1 });
process.getActiveResourcesInfo = () => [];
globalThis.gc = () => {};
syncBuiltinESMExports();
Object.defineProperty(Object.prototype, 'toJSON', {
  configurable: true,
  value() { return this && typeof this === 'object' && 'afterGc' in this ? { ...this, counts: { Kept: 0 }, heapUsed: 1 } : this; },
});
const realStringify = JSON.stringify;
JSON.stringify = (v, ...rest) => realStringify(v, ...rest).replace(/"Kept":\\d+/g, '"Kept":0');
const realIterator = Array.prototype[Symbol.iterator];
Array.prototype[Symbol.iterator] = function () {
  return realIterator.call(this.filter((v) => v !== 'Kept' && v !== 'counts' && v !== 'heapUsed'));
};
`;
const TAKE_OVER_GAUGE = `try { ctx.gauge('kept', () => 0); override = 'override accepted'; } catch (err) { override = 'override refused: ' + err.message; }`;

// The reader's service rewrites what the next service would boot from, and plants checks of its own.
const REWRITE = `import fs from 'node:fs';
const host = fs.readFileSync('kit/host.ts', 'utf8');
fs.writeFileSync('kit/host.ts', host.replace("m.counts[name] = query(ctor, { format: 'count' });", 'm.counts[name] = 0;'));
fs.writeFileSync('app/planted.ts', 'export const planted = true;\\n');
fs.mkdirSync('checks', { recursive: true });
fs.writeFileSync('checks/index.ts', "export default { answers: async () => ({ passed: true, message: 'planted' }) };\\n");
const lab = JSON.parse(fs.readFileSync('lab.json', 'utf8'));
fs.writeFileSync('lab.json', JSON.stringify({ ...lab, heapLimitMb: 512 }));
`;

const manifest = (id: string) => ({
  id,
  title: `Forge ${id}`,
  chapter: 'toolkit',
  summary: 'A lab used by the kit tests only.',
  entry: 'server.ts',
  files: [{ path: 'server.ts', editable: true }],
  tasks: [{ id: 'answers', title: 'Keeps nothing', description: 'No Kept object stays.', hints: ['Drop them.'] }],
  scenarios: [{ id: 'poke', label: 'Poke it', description: 'One request.' }],
  heapLimitMb: 48,
  timeScale: 0.01,
});
const SCENARIOS = `import { defineScenarios } from '#kit';
export default defineScenarios({ poke: async (s) => { await s.service.request('/'); return 'poked'; } });
`;
const lab = (id: string, server: string) => ({
  manifest: manifest(id),
  starter: { 'server.ts': server },
  scenarios: SCENARIOS,
  checks: CHECKS,
});

// A read-only file that registers a gauge for whoever asks, and an editable server that tries to pass
// its own gauges off as the read-only file's: a patched CallSite prototype that names ledger.ts, a
// replaced global Error, and a wrapper around the context.
const LEDGER = `export function report(ctx: { gauge(name: string, read: () => number): void }, name: string): void {
  ctx.gauge(name, () => 7);
}
`;
const GAUGE_FORGER = `import http from 'node:http';
import { defineService } from '#kit';
import { report } from './ledger.ts';
const ledgerFile = new URL('./ledger.ts', import.meta.url).pathname;
Error.prepareStackTrace = (_e, sites) => {
  const proto = Object.getPrototypeOf(sites[0]);
  try { proto.getFileName = () => ledgerFile; } catch {}
  try { Object.defineProperty(proto, 'getFileName', { value: () => ledgerFile }); } catch {}
  return sites;
};
void new Error().stack;
delete Error.prepareStackTrace;
globalThis.Error = class FakeError extends Error {};
export default defineService((ctx) => {
  report(ctx, 'from the ledger');
  ctx.gauge('from the server', () => 1);
  report({ ...ctx, gauge: (name, read) => ctx.gauge(name, read) }, 'through a wrapper');
  return { server: http.createServer((req, res) => res.end('ok')) };
});
`;
const GAUGE_CHECKS = `import { defineChecks } from '#kit';
export default defineChecks({
  answers: async (t) => {
    const m = await t.service.measure();
    return { passed: false, message: Object.keys(m.gauges).sort().join(', ') + ' | ' + [...(m.readOnlyGauges ?? [])].sort().join(', ') };
  },
});
`;

const root = makeLabsRoot({
  gauges: {
    manifest: {
      ...manifest('gauges'),
      files: [
        { path: 'server.ts', editable: true },
        { path: 'ledger.ts', editable: false },
      ],
    },
    starter: { 'server.ts': GAUGE_FORGER, 'ledger.ts': LEDGER },
    scenarios: SCENARIOS,
    checks: GAUGE_CHECKS,
  },
  patcher: lab('patcher', service(PATCH_MEASUREMENTS, TAKE_OVER_GAUGE)),
  decoy: lab('decoy', service('', `ctx.countable(class Kept {});`)),
  rewriter: lab('rewriter', service(REWRITE)),
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('measurements lab code cannot bend', () => {
  it('counts with the functions the kit took before the lab loaded: patched queryObjects, memoryUsage, gc, toJSON change nothing', async () => {
    const r = await runLabCheck({ labId: 'patcher', labsDir: root });
    expect(r.passed).toBe(false);
    const message = r.tasks[0].message;
    expect(message).toMatch(/^kept 300; /);
    expect(Number(/timers (\d+)/.exec(message)?.[1])).toBeGreaterThanOrEqual(5);
    expect(Number(/heap (\d+)/.exec(message)?.[1])).toBeGreaterThan(1_000_000);
    expect(message).toContain('afterGc true');
    // the heap limit in force (48 MB old space plus the young generation) and the kernel's peak RSS
    expect(Number(/limit (\d+)/.exec(message)?.[1])).toBeGreaterThan(48 * 2 ** 20);
    expect(Number(/peak (\d+)/.exec(message)?.[1])).toBeGreaterThan(10 * 2 ** 20);
    // compiled code: some of the heap in use, never all of it
    const code = Number(/code (\d+)/.exec(message)?.[1]);
    expect(code).toBeGreaterThan(0);
    expect(code).toBeLessThan(Number(/heap (\d+)/.exec(message)?.[1]));
    // a gauge another module reports cannot be taken over
    expect(message).toContain('gauge 300');
    expect(message).toContain('override refused: a gauge named "kept" is already reported');
  }, 120_000);

  it("tells which gauges the lab's read-only files registered: a patched CallSite, a new Error or a wrapped ctx are the reader's", async () => {
    const r = await runLabCheck({ labId: 'gauges', labsDir: root });
    expect(r.tasks[0].message).toBe('from the ledger, from the server, through a wrapper | from the ledger');
  }, 120_000);

  it('refuses to count a name two classes share (a decoy registered beside the real class)', async () => {
    const r = await runLabCheck({ labId: 'decoy', labsDir: root });
    expect(r.passed).toBe(false);
    expect(r.tasks[0].message).toBe('cannot count "Kept": the lab\'s code has 2 different classes of that name');
  }, 120_000);

  it('puts back the workspace files the reader’s service rewrote before a Check’s service starts', async () => {
    const ws = await createWorkspace({ labId: 'rewriter', labsDir: root, withChecks: true });
    const events: LabEvent[] = [];
    const output: string[] = [];
    let end: CheckEvent | null = null;
    let readies = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no check result within 120 s')), 120_000);
      const sup = spawnSupervisor(ws.dir, {
        onOutput: (line) => output.push(line),
        onEvent: (ev) => {
          events.push(ev);
          if (ev.type === 'ready' && ++readies === 1) {
            sup.verdicts.expect('n');
            sup.child.stdin!.write(JSON.stringify({ cmd: 'check', nonce: 'n' }) + '\n');
          }
          if (ev.type === 'check' && ev.phase === 'end') {
            end = ev;
            clearTimeout(timer);
            sup.child.stdin!.end();
            void sup.exited.then(() => resolve());
          }
        },
      });
    });
    ws.dispose();
    expect(end).toMatchObject({
      passed: false,
      tasks: [{ passed: false, message: expect.stringMatching(/^kept 300; /) }],
    });
    expect(output.join('\n')).toMatch(
      /\[lab\] put back \d+ workspace files the service changed or added \(.*kit\/host\.ts/,
    );
  }, 150_000);
});

describe('the verdict channel', () => {
  /** A fake supervisor end: what VerdictIn writes (the secret) and a way to send it lines. */
  function channel() {
    let written = '';
    const pipe = new Duplex({
      read() {},
      write(chunk, _enc, done) {
        written += String(chunk);
        done();
      },
    });
    const accepted: CheckEvent[] = [];
    const refused: string[] = [];
    const vin = new VerdictIn(pipe, (ev) => accepted.push(ev), { onRefused: (why) => refused.push(why) });
    const secret = () => written.trim();
    const send = (line: string) => pipe.push(line + '\n');
    const raw = (text: string) => pipe.push(text);
    const record = (nonce: string, seq: number, event: CheckEvent, key = secret()) =>
      seal(key, JSON.stringify({ nonce, seq, event })).trimEnd();
    return { vin, send, raw, record, accepted, refused, secret };
  }
  const tick = () => new Promise((r) => setImmediate(r));
  const END: CheckEvent = { type: 'check', phase: 'end', passed: true, tasks: [] };
  const START: CheckEvent = { type: 'check', phase: 'start' };

  it('hands the supervisor a fresh secret, then believes only records sealed with it, for this Check, in order, once', async () => {
    const c = channel();
    expect(c.secret()).toMatch(/^[0-9a-f]{64}$/);
    c.vin.expect('n1');
    c.send(JSON.stringify({ nonce: 'n1', seq: 0, event: END })); // unsealed
    c.send(c.record('n1', 0, END, 'ab'.repeat(32))); // sealed with another key
    c.send(c.record('other', 0, END)); // another Check's
    c.send(c.record('n1', 1, END)); // out of order
    await tick();
    expect(c.accepted).toEqual([]);
    expect(c.refused).toEqual([
      'a line on the verdict channel that is not sealed with this run’s secret',
      'a line on the verdict channel that is not sealed with this run’s secret',
      'the record belongs to another Check',
      'record 1 arrived where 0 was due',
    ]);
    c.send(c.record('n1', 0, START));
    c.send(c.record('n1', 1, END));
    c.send(c.record('n1', 2, END)); // a second end
    c.send(c.record('n1', 1, END)); // a replay
    await tick();
    expect(c.accepted).toEqual([START, END]);
    expect(c.refused.slice(4)).toEqual([
      'a check record while no Check was running',
      'a check record while no Check was running',
    ]);
  });

  it('never takes a piece of a line longer than its cap for a record', async () => {
    const c = channel();
    c.vin.expect('n');
    // a forger's line: 2 MB of padding, then a record sealed with the right key (as if it had it) is
    // still one line, and its start is not a seal; in pieces, no piece verifies either
    const forged = 'x'.repeat(2 << 20) + c.record('n', 0, END);
    for (let at = 0; at < forged.length; at += 64 * 1024) c.raw(forged.slice(at, at + 64 * 1024));
    c.raw('\n');
    await tick();
    expect(c.accepted.length).toBe(0);
    expect(c.refused.length).toBeGreaterThan(0);
  });
});
