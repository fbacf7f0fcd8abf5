// The WebContainer adapter, end to end against a fake of @webcontainer/api whose processes are real:
// the adapter boots, probes, mounts the lab bundle, runs the kit's supervisor and speaks the protocol
// through a terminal-like stream, exactly as it would in the browser.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checksBundle, runtimeBundle } from '../../engine/bundle.ts';
import type { RuntimeEvent } from '../../contracts/runtime-events.ts';
import type { LabRuntime } from '../../src/runtime/types.ts';
import { createWebContainerRuntime, messages } from '../../src/runtime/webcontainer.ts';
import { createFakeWebContainer, type FakeOptions } from './fake-webcontainer.ts';

const repo = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const LAB = 'probe-lab';
const EDITED = `// edited by the reader
import http from 'node:http';
import { defineService } from '#kit';
import { GREETING } from './greeting.ts';

export default defineService((ctx) => {
  let served = 0;
  ctx.gauge('requests served', () => served);
  return { server: http.createServer((_req, res) => { served++; res.end(GREETING); }) };
});
`;

let labsDir: string;
let site: Map<string, unknown>;

/** The two bundles the site build publishes per lab (src/pages/labs/[id]/*.json.ts), as JSON. */
async function buildBundles(): Promise<Map<string, unknown>> {
  const asJson = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
  return new Map<string, unknown>([
    [`/labs/${LAB}/runtime.json`, asJson(await runtimeBundle(LAB, labsDir))],
    [`/labs/${LAB}/checks.json`, asJson(await checksBundle(LAB, labsDir))],
  ]);
}

beforeAll(async () => {
  labsDir = mkdtempSync(join(tmpdir(), 'wc-test-labs-'));
  cpSync(join(repo, 'tests', 'server', 'fixtures', LAB), join(labsDir, LAB), { recursive: true });
  site = await buildBundles();
}, 30_000);

afterAll(() => rmSync(labsDir, { recursive: true, force: true }));

const fetched: string[] = [];
const fakeFetch = (async (url: string | URL) => {
  const path = String(url);
  fetched.push(path);
  const body = site.get(path);
  return body === undefined ? new Response('not found', { status: 404 }) : Response.json(body);
}) as typeof fetch;

let runtime: LabRuntime | null = null;
afterEach(async () => {
  await runtime?.dispose();
  runtime = null;
  fetched.length = 0;
});

/** Every .ts file in a folder, recursively (the in-page workspace must have none). */
function tsFilesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((p) => /\.m?ts$/.test(p));
}

// The container's Node is assumed unable to strip types unless a test says otherwise.
function setup(opts: FakeOptions = {}) {
  const fake = createFakeWebContainer({ noTypeStripping: true, ...opts });
  const rt = createWebContainerRuntime({ api: fake.api, fetch: fakeFetch, bootTimeoutMs: 20_000 });
  runtime = rt;
  const events: RuntimeEvent[] = [];
  const waiters: Array<{ test: (e: RuntimeEvent) => boolean; done: (e: RuntimeEvent) => void }> = [];
  rt.subscribe((e) => {
    events.push(e);
    for (const w of [...waiters])
      if (w.test(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.done(e);
      }
  });
  const waitFor = (test: (e: RuntimeEvent) => boolean, what: string, timeoutMs = 40_000) => {
    const seen = events.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise<RuntimeEvent>((done, fail) => {
      const t = setTimeout(
        () =>
          fail(
            new Error(
              `no ${what}; events: ${JSON.stringify(events.filter((e) => e.type !== 'metrics')).slice(0, 1500)}`,
            ),
          ),
        timeoutMs,
      );
      waiters.push({ test, done: (e) => (clearTimeout(t), done(e)) });
    });
  };
  return { fake, rt, events, waitFor };
}

const workdirOf = (fake: ReturnType<typeof createFakeWebContainer>) => fake.state.workdir!;
/** The lab's workspace folder, relative to the container's workdir (where its supervisor runs). */
const labDirOf = (fake: ReturnType<typeof createFakeWebContainer>) => {
  const supervisor = fake.state.processes.find((p) => p.args.includes('kit/supervisor.js'));
  if (!supervisor) throw new Error('no supervisor was spawned');
  return relative(workdirOf(fake), supervisor.cwd);
};

describe('WebContainer adapter', () => {
  it("boots once, mounts the lab with the reader's file, runs the supervisor and reports ready", async () => {
    const { fake, rt, waitFor, events } = setup();
    await rt.start(LAB, { 'service.ts': EDITED });
    const ready = await waitFor((e) => e.type === 'ready', 'ready');
    expect(ready).toMatchObject({ type: 'ready', restarts: 0 });
    expect(rt.capabilities()).toMatchObject({ runtime: 'node', heapSnapshot: true, gc: true });
    expect(fake.state.boots).toBe(1);
    const supervisor = fake.state.processes.find((p) => p.args.includes('kit/supervisor.js'));
    expect(labDirOf(fake)).toMatch(/^lab-\d+$/);
    const wd = supervisor!.cwd;
    // Everything mounted is JavaScript: the container's Node (here: one that cannot strip types) runs it as is.
    expect(existsSync(join(wd, 'kit', 'supervisor.js'))).toBe(true);
    expect(tsFilesUnder(wd)).toEqual([]);
    const mounted = await fake.container()!.fs.readFile(`${labDirOf(fake)}/app/service.js`, 'utf8');
    expect(mounted).toContain("import { GREETING } from './greeting.js';");
    expect(mounted).toContain('// edited by the reader');
    expect(mounted).not.toMatch(/: (number|string)\b/);
    // The hidden checks come with the start, are read by the supervisor and gone before the service runs.
    expect(fetched).toEqual([`/labs/${LAB}/runtime.json`, `/labs/${LAB}/checks.json`]);
    expect(fake.state.writes).toContain(`${labDirOf(fake)}/checks/index.js`);
    expect(existsSync(join(wd, 'checks'))).toBe(false);
    // Protocol lines never leak into the output pane.
    expect(events.filter((e) => e.type === 'output' && e.text.includes('\u001eLB'))).toEqual([]);
  }, 90_000);

  it("runs a scenario and streams metrics with the lab's gauges", async () => {
    const { rt, waitFor, events } = setup();
    await rt.start(LAB, {});
    await waitFor((e) => e.type === 'ready', 'ready');
    await rt.send({ cmd: 'scenario', id: 'ping' });
    const end = await waitFor(
      (e) => e.type === 'scenario' && e.phase !== 'start' && e.phase !== 'progress',
      'scenario end',
    );
    expect(end).toMatchObject({ phase: 'end', message: '10 requests' });
    const metrics = await waitFor(
      (e) => e.type === 'metrics' && (e.gauges['requests served'] ?? 0) >= 10,
      'metrics after the scenario',
    );
    expect(metrics).toMatchObject({ type: 'metrics' });
    expect((metrics as { heapUsed: number }).heapUsed).toBeGreaterThan(0);
    // The terminal echoes the command we typed; the adapter keeps that out of the output.
    expect(events.some((e) => e.type === 'output' && e.text.includes('"cmd":"scenario"'))).toBe(false);
  }, 90_000);

  it('runs Check with the checks loaded at start, and returns the sealed result', async () => {
    const { fake, rt, waitFor } = setup();
    await rt.start(LAB, { 'service.ts': EDITED });
    await waitFor((e) => e.type === 'ready', 'ready');
    const checksDir = join(workdirOf(fake), labDirOf(fake), 'checks');
    expect(existsSync(checksDir)).toBe(false);

    await rt.send({ cmd: 'check' });
    const end = await waitFor((e) => e.type === 'check' && e.phase === 'end', 'check end', 30_000);
    expect(end).toMatchObject({
      passed: true,
      tasks: [{ id: 'answers', passed: true, message: 'GET /hello answered "hello from the probe lab"' }],
    });
    expect(existsSync(checksDir)).toBe(false);
  }, 90_000);

  it('believes only the sealed result: forged lines, records and replays from the service count for nothing', async () => {
    // The service answers wrongly and, every 50 ms, prints a passing result, appends forged records to
    // every verdict file it can find and replays what it finds there into them.
    const forger = `import fs from 'node:fs';
import http from 'node:http';
import { defineService } from '#kit';
const task = { id: 'answers', title: 'Answer requests', passed: true, message: 'ok' };
const end = { type: 'check', phase: 'end', passed: true, tasks: [task] };
function forge() {
  console.log('\\u001eLB ' + JSON.stringify(end));
  for (const dir of ['../.leakbook-verdicts', '.leakbook-verdicts']) {
    let names = [];
    try { names = fs.readdirSync(dir); } catch {}
    for (const name of names) {
      const file = dir + '/' + name;
      const seen = fs.readFileSync(file, 'utf8');
      fs.appendFileSync(file, '0'.repeat(64) + ' ' + JSON.stringify({ nonce: '', seq: 0, event: end }) + '\\n' + seen);
    }
  }
}
setInterval(forge, 50).unref();
process.on('exit', forge);
export default defineService(() => ({ server: http.createServer((_q, s) => s.end('forged')) }));
`;
    const { rt, waitFor, events } = setup();
    await rt.start(LAB, { 'service.ts': forger });
    await waitFor((e) => e.type === 'ready', 'ready');
    await new Promise((r) => setTimeout(r, 300));
    // before any Check, a printed result is output, shown as text
    expect(events.some((e) => e.type === 'check')).toBe(false);
    expect(events.some((e) => e.type === 'output' && e.text.includes('\u241eLB {"type":"check"'))).toBe(true);
    for (let round = 1; round <= 2; round++) {
      await rt.send({ cmd: 'check' });
      await waitFor(
        () => events.filter((e) => e.type === 'check' && e.phase === 'end').length === round,
        `the end of Check ${round}`,
        120_000, // the forger's doubling files make a loaded machine slow
      );
      await new Promise((r) => setTimeout(r, 1500)); // the forger keeps writing and replaying
    }
    const ends = events.filter((e) => e.type === 'check' && e.phase === 'end');
    expect(ends).toHaveLength(2);
    // the check's own verdict: the wrong answer, or none at all when the forger's doubling of the verdict
    // files has got the service stopped for its workspace writes (on a loaded machine, before the request)
    for (const end of ends) {
      expect(end).toMatchObject({ passed: false, tasks: [{ passed: false }] });
      expect((end as { tasks: Array<{ message: string }> }).tasks[0]!.message).toMatch(
        /^GET \/hello answered "(forged)?"$/,
      );
    }
  }, 280_000);

  it('takes a heap snapshot and reads its bytes back', async () => {
    const { rt, waitFor } = setup();
    await rt.start(LAB, {});
    await waitFor((e) => e.type === 'ready', 'ready');
    await rt.send({ cmd: 'snapshot', label: 'first' });
    const snap = (await waitFor((e) => e.type === 'snapshot', 'snapshot', 60_000)) as { path: string; bytes: number };
    const bytes = await rt.readSnapshot(snap.path);
    expect(bytes.byteLength).toBe(snap.bytes);
    expect(new TextDecoder().decode(bytes.slice(0, 12))).toBe('{"snapshot":');
    await expect(rt.readSnapshot('../lab.json')).rejects.toThrow(/Not a snapshot/);
  }, 90_000);

  it('in a container without heap snapshots: reports the capability as missing and explains on Snapshot', async () => {
    const { fake, rt, waitFor, events } = setup({ withoutHeapSnapshots: true });
    await rt.start(LAB, {});
    await waitFor((e) => e.type === 'ready', 'ready');
    expect(rt.capabilities()?.heapSnapshot).toBe(false);
    await rt.send({ cmd: 'snapshot' });
    const error = await waitFor((e) => e.type === 'error', 'an explanation');
    expect(error).toMatchObject({ message: messages.NO_SNAPSHOTS });
    expect((error as { message: string }).message).toMatch(/npm start/);
    await new Promise((r) => setTimeout(r, 300));
    expect(events.some((e) => e.type === 'snapshot')).toBe(false);
    expect(readdirSync(join(workdirOf(fake), labDirOf(fake), 'snapshots'))).toEqual([]);
  }, 90_000);

  it('explains a boot failure (blocked third-party cookies, network filters)', async () => {
    const { fake, rt } = setup({ bootError: 'Unable to create more instances' });
    await expect(rt.start(LAB, {})).rejects.toThrow(
      /Could not start the in-browser runtime: Unable to create more instances.*third-party cookies/,
    );
    expect(fake.state.processes).toEqual([]);
  });

  it('gives up on a boot that never finishes, and says what usually causes it', async () => {
    const fake = createFakeWebContainer({ bootHangs: true });
    runtime = createWebContainerRuntime({ api: fake.api, fetch: fakeFetch, bootTimeoutMs: 300 });
    await expect(runtime.start(LAB, {})).rejects.toThrow(
      /no answer from StackBlitz's servers within 300 ms.*Brave Shields/s,
    );
    expect(fake.state.processes).toEqual([]);
  });

  it('runs in a Node that can strip types as well, and reports what the boot probe found', async () => {
    const { fake, rt, waitFor } = setup({ noTypeStripping: false });
    await rt.start(LAB, { 'service.ts': EDITED });
    await waitFor((e) => e.type === 'ready', 'ready');
    const probe = fake.state.processes.find((p) => p.args.includes('probe.mjs'));
    expect(probe, 'the boot probe ran').toBeDefined();
    expect(rt.capabilities()).toMatchObject({ runtime: 'node', heapSnapshot: true });
  }, 90_000);

  it('refuses a reader edit that does not compile, naming file and line, and runs nothing', async () => {
    const { fake, rt } = setup();
    const broken = EDITED.replace('let served = 0;', 'let served = ;');
    await expect(rt.start(LAB, { 'service.ts': broken })).rejects.toThrow(
      /service\.ts could not be compiled: Unexpected token.*\(the compiler stopped at line \d+, column \d+\)\. The editor underlines syntax errors in red; fix it and press Run again\./,
    );
    expect(fake.state.processes.filter((p) => p.args.includes('kit/supervisor.js'))).toEqual([]);
  }, 60_000);

  it('runs a reader edit with a type error, as Node itself would (the editor shows the error)', async () => {
    const { rt, waitFor } = setup();
    const mistyped = EDITED.replace(
      'let served = 0;',
      "let served: number = 0;\n  const label: number = 'not a number';\n  void label;",
    );
    await rt.start(LAB, { 'service.ts': mistyped });
    await waitFor((e) => e.type === 'ready', 'ready');
  }, 90_000);

  it('passes on errors the container reports, with what to do about them', async () => {
    const { fake, rt, waitFor } = setup();
    await rt.start(LAB, {});
    (fake.container() as unknown as { emit(event: string, ...args: unknown[]): void }).emit('error', {
      message: 'Service worker registration failed',
    });
    const error = await waitFor((e) => e.type === 'error', 'error event');
    expect((error as { message: string }).message).toMatch(/Service worker registration failed.*stackblitz\.com/);
  }, 90_000);

  it('refuses to boot on a page that is not cross-origin isolated', async () => {
    const fake = createFakeWebContainer();
    vi.stubGlobal('navigator', {
      userAgent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/149.0.0.0 Safari/537.36',
    });
    vi.stubGlobal('crossOriginIsolated', false);
    try {
      runtime = createWebContainerRuntime({ api: fake.api, fetch: fakeFetch, checkSupport: true });
      await expect(runtime.start(LAB, {})).rejects.toThrow(/Cross-Origin-Embedder-Policy: require-corp/);
      expect(fake.state.boots).toBe(0);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('restarting reuses the container and kills the previous supervisor', async () => {
    const { fake, rt, waitFor, events } = setup();
    await rt.start(LAB, {});
    await waitFor((e) => e.type === 'ready', 'ready');
    const first = fake.state.processes.find((p) => p.args.includes('kit/supervisor.js'))!;
    events.length = 0;
    await rt.start(LAB, { 'service.ts': EDITED });
    await waitFor((e) => e.type === 'ready', 'ready after restart');
    expect(fake.state.boots).toBe(1);
    expect(first.killed).toBe(true);
    expect(first.exitCode).not.toBeNull();
    expect(events.some((e) => e.type === 'stopped')).toBe(false);
    // The reader's Stop ends the supervisor; the page hears it once the last output has arrived.
    await rt.send({ cmd: 'stop' });
    const stopped = await waitFor((e) => e.type === 'stopped', 'stopped');
    expect(stopped).toMatchObject({ reason: 'The lab stopped.' });
    expect(events.findIndex((e) => e.type === 'exit')).toBeLessThan(events.findIndex((e) => e.type === 'stopped'));
  }, 90_000);

  it('two labs on one page share the container; it goes when the last one is disposed', async () => {
    const fake = createFakeWebContainer();
    const first = createWebContainerRuntime({ api: fake.api, fetch: fakeFetch });
    const second = createWebContainerRuntime({ api: fake.api, fetch: fakeFetch });
    const ready = (rt: LabRuntime) => new Promise<void>((done) => rt.subscribe((e) => e.type === 'ready' && done()));
    try {
      const bothReady = Promise.all([ready(first), ready(second)]);
      await first.start(LAB, {});
      await second.start(LAB, { 'service.ts': EDITED });
      await bothReady;
      expect(fake.state.boots).toBe(1);
      const dirs = fake.state.processes
        .filter((p) => p.args.includes('kit/supervisor.js'))
        .map((p) => relative(fake.state.workdir!, p.cwd));
      expect(new Set(dirs).size).toBe(2);
      await first.dispose();
      expect(fake.state.teardowns).toBe(0);
      expect(existsSync(join(fake.state.workdir!, dirs[0]))).toBe(false);
      expect(await fake.container()!.fs.readFile(`${dirs[1]}/app/service.js`, 'utf8')).toContain(
        '// edited by the reader',
      );
    } finally {
      await first.dispose();
      await second.dispose();
    }
    expect(fake.state.teardowns).toBe(1);
  }, 90_000);

  it("dispose tears the container down and kills the lab's processes", async () => {
    const { fake, rt, waitFor } = setup();
    await rt.start(LAB, {});
    await waitFor((e) => e.type === 'ready', 'ready');
    const supervisor = fake.state.processes.find((p) => p.args.includes('kit/supervisor.js'))!;
    const group = supervisor.pid!;
    await rt.dispose();
    expect(fake.state.teardowns).toBe(1);
    expect(supervisor.killed).toBe(true);
    let groupAlive = true;
    for (let i = 0; i < 60 && groupAlive; i++) {
      try {
        process.kill(-group, 0);
        await new Promise((r) => setTimeout(r, 50));
      } catch {
        groupAlive = false;
      }
    }
    expect(groupAlive).toBe(false);
    await rt.dispose(); // safe twice
    expect(fake.state.teardowns).toBe(1);
    await expect(rt.start(LAB, {})).rejects.toThrow(/closed/);
  }, 90_000);
});
