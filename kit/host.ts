// The service host: runs inside the lab's service process (spawned by the supervisor with --expose-gc and
// --max-old-space-size). It loads <ws>/app/<entry>, calls the lab's factory, listens on 127.0.0.1, reports
// `ready` with probed Capabilities, streams `metrics`, and answers the supervisor's requests (measure,
// snapshot, stop) read as JSON lines from stdin. stdin closing means the supervisor is gone: exit.
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { encodeEvent, PROTOCOL_VERSION, type LabEvent } from '../contracts/lab-protocol.ts';
import { HOST_REPLY_PREFIX, type HostReply, type HostRequest } from '../contracts/host-protocol.ts';
import { probeCapabilities } from './probe.ts';
import { describeError, onLines } from './lines.ts';
import type { Measurement, MemorySample, ServiceContext, ServiceHandle } from './types.ts';

type Ctor = abstract new (...args: never[]) => unknown;

const ws = process.cwd();
const manifest = JSON.parse(fs.readFileSync(path.join(ws, 'lab.json'), 'utf8')) as {
  entry: string;
  timeScale: number;
  files: Array<{ path: string }>;
};
const timeScale = Number(process.env.LEAKBOOK_TIME_SCALE) || manifest.timeScale || 1;
const metricsEveryMs = Number(process.env.LEAKBOOK_METRICS_MS) || 250;
const started = performance.now();
const gauges = new Map<string, () => number>();
const countables = new Map<string, Ctor>();
let handle: ServiceHandle | null = null;
let v8: typeof import('node:v8') | null = null;

function emit(ev: LabEvent): void {
  process.stdout.write(encodeEvent(ev));
}

function reply(r: HostReply): void {
  process.stdout.write(HOST_REPLY_PREFIX + JSON.stringify(r) + '\n');
}

/** Report a fatal error in one clear line, then exit non-zero (the supervisor decides about restarts). */
function die(what: string, err: unknown): never {
  const message = `${what}: ${describeError(err, ws)}`;
  emit({ type: 'error', message });
  process.stderr.write(`[lab] ${message}\n`);
  process.exit(1);
}

process.on('uncaughtException', (err) => die('The service crashed with an uncaught exception', err));
process.on('unhandledRejection', (err) => die('The service crashed with an unhandled promise rejection', err));
process.on('warning', (w) => {
  // queryObjects is ours (measurement), not the lab's: keep it out of the reader's warnings.
  if (w.name === 'ExperimentalWarning' && /queryObjects/.test(w.message)) return;
  emit({ type: 'warning', name: w.name, message: w.message });
});

function sample(): MemorySample {
  const mem = process.memoryUsage();
  const values: Record<string, number> = {};
  for (const [name, read] of gauges) {
    try {
      const v = Number(read());
      if (Number.isFinite(v)) values[name] = v;
    } catch {
      // a gauge that throws is skipped for this sample rather than killing the probe
    }
  }
  return {
    t: Math.round(performance.now() - started),
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    heapTotal: mem.heapTotal,
    external: mem.external,
    arrayBuffers: mem.arrayBuffers,
    gauges: values,
  };
}

// Constructor lookup for counts, by name. Order: classes the lab registered with ctx.countable(), exports
// of the lab's own modules (already loaded by the entry, so importing them again returns the same
// instances), globals (Map, Buffer…), then exports of Node built-ins (Gzip, Socket, EventEmitter…).
const builtinModules = [
  'node:zlib',
  'node:http',
  'node:net',
  'node:stream',
  'node:events',
  'node:timers',
  'node:fs',
  'node:crypto',
];

async function findCtor(name: string): Promise<Ctor | null> {
  const registered = countables.get(name);
  if (registered) return registered;
  for (const file of manifest.files) {
    if (!/\.(ts|mts|js|mjs)$/.test(file.path)) continue;
    try {
      const mod = (await import(pathToFileURL(path.join(ws, 'app', file.path)).href)) as Record<string, unknown>;
      const hit = pickCtor(mod, name);
      if (hit) return hit;
    } catch {
      // a module that fails to import again cannot hold the class; keep looking elsewhere
    }
  }
  const global = (globalThis as Record<string, unknown>)[name];
  if (typeof global === 'function') return global as Ctor;
  for (const spec of builtinModules) {
    try {
      const hit = pickCtor((await import(spec)) as Record<string, unknown>, name);
      if (hit) return hit;
    } catch {
      // built-in missing in this runtime
    }
  }
  return null;
}

function pickCtor(mod: Record<string, unknown>, name: string): Ctor | null {
  for (const value of Object.values(mod)) {
    if (typeof value === 'function' && value.name === name && value.prototype) return value as Ctor;
  }
  const direct = mod[name];
  return typeof direct === 'function' && direct.prototype ? (direct as Ctor) : null;
}

// Taken before any lab code loads, so a lab that replaces process.getActiveResourcesInfo cannot hide its timers.
const activeResources = process.getActiveResourcesInfo.bind(process);

/** Live handles and requests by kind (Timeout, TCPSocketWrap, FSReqCallback, …), the kit's own included. */
function resourceCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of activeResources()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

async function measure(req: { gc?: boolean; count?: string[]; resources?: boolean }): Promise<Measurement> {
  const gc = (globalThis as { gc?: () => void }).gc;
  let afterGc = false;
  if (req.gc && typeof gc === 'function') {
    // Two passes: the first can leave objects whose finalizers only run afterwards.
    gc();
    await new Promise((r) => setImmediate(r));
    gc();
    afterGc = true;
  }
  const m: Measurement = { ...sample(), afterGc };
  if (req.resources) m.resources = resourceCounts();
  if (req.count?.length) {
    const query = (v8 as { queryObjects?: (c: Ctor, o: { format: 'count' }) => number } | null)?.queryObjects;
    if (typeof query !== 'function') throw new Error('this runtime cannot count live objects (no v8.queryObjects)');
    m.counts = {};
    for (const name of req.count) {
      const ctor = await findCtor(name);
      if (!ctor)
        throw new Error(
          `cannot count "${name}": no class of that name is exported by the lab, registered with ctx.countable(), global or built in`,
        );
      m.counts[name] = query(ctor, { format: 'count' });
    }
  }
  return m;
}

/** Set once a graceful stop began: stdin closing right after the stop request must not cut it short. */
let stopping = false;

async function stop(): Promise<void> {
  stopping = true;
  const h = handle;
  const timer = setTimeout(() => process.exit(0), 2000);
  try {
    await h?.close?.();
  } catch (err) {
    process.stderr.write(`[lab] close() failed: ${describeError(err, ws)}\n`);
  }
  h?.server.closeAllConnections?.();
  h?.server.close(() => {
    clearTimeout(timer);
    process.exit(0);
  });
  if (!h) process.exit(0);
}

async function serve(req: HostRequest): Promise<void> {
  try {
    if (req.op === 'measure') return reply({ id: req.id, ok: true, result: await measure(req) });
    if (req.op === 'snapshot') {
      if (!v8 || typeof v8.writeHeapSnapshot !== 'function')
        throw new Error('this runtime cannot write heap snapshots');
      const target = path.resolve(ws, req.file);
      if (!target.startsWith(path.join(ws, 'snapshots') + path.sep))
        throw new Error('snapshots are written only under snapshots/');
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const written = v8.writeHeapSnapshot(target);
      return reply({ id: req.id, ok: true, result: { path: req.file, bytes: fs.statSync(written).size } });
    }
    if (req.op === 'stop') {
      reply({ id: req.id, ok: true, result: null });
      return stop();
    }
    reply({ id: (req as { id: number }).id, ok: false, error: `unknown request ${(req as { op: string }).op}` });
  } catch (err) {
    reply({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
}

async function main(): Promise<void> {
  // Listen from the start: a supervisor that goes away before we are ready must still end us.
  onLines(
    process.stdin,
    (line) => {
      if (!line.trim()) return;
      let req: HostRequest;
      try {
        req = JSON.parse(line) as HostRequest;
      } catch {
        return;
      }
      void serve(req);
    },
    () => {
      if (!stopping) process.exit(0); // a stop under way exits by itself, within its 2 s
    },
  );
  try {
    v8 = await import('node:v8');
  } catch {
    v8 = null;
  }
  const caps = await probeCapabilities({ fullSnapshotProbe: process.env.LEAKBOOK_PROBE === 'full' });
  (globalThis as { gc?: () => void }).gc?.(); // drop the probe's garbage before the lab starts

  // Tell the supervisor the kit is up: its start timeout now measures the lab's own code only
  // (import, factory, listen), not how long a loaded machine took to boot Node and the kit.
  reply({ id: 0, ok: true, result: 'loading-lab' });

  const fixturesDir = path.join(ws, 'fixtures');
  const ctx: ServiceContext = {
    gauge(name, read) {
      if (typeof read !== 'function') throw new TypeError(`gauge "${name}" needs a function that returns a number`);
      gauges.set(name, read);
    },
    ms: (labMs) => Math.max(1, Math.round(labMs * timeScale)),
    timeScale,
    fixturesDir,
    countable(...ctors) {
      for (const c of ctors) countables.set(c.name, c);
    },
  };

  const entryPath = path.join(ws, 'app', manifest.entry);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(entryPath).href)) as { default?: unknown };
  } catch (err) {
    die(`Could not load app/${manifest.entry}`, err);
  }
  if (typeof mod.default !== 'function') {
    die(
      `Could not start the service`,
      new Error(`app/${manifest.entry} must export default defineService((ctx) => ({ server }))`),
    );
  }
  let h: ServiceHandle;
  try {
    h = await (mod.default as (c: ServiceContext) => ServiceHandle | Promise<ServiceHandle>)(ctx);
  } catch (err) {
    die('The service failed while starting', err);
  }
  if (!h || typeof (h as { server?: Server }).server?.listen !== 'function') {
    die('Could not start the service', new Error('the service factory must return { server } with a node:http Server'));
  }
  handle = h;
  const server = h.server;
  const port = await new Promise<number>((resolve, reject) => {
    const done = () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : 0);
    };
    if (server.listening) return done();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', done);
  }).catch((err) => die('The service could not listen', err));

  const restarts = Number(process.env.LEAKBOOK_RESTARTS) || 0;
  emit({ type: 'ready', protocol: PROTOCOL_VERSION, port, caps, restarts, pid: process.pid });
  setInterval(() => emit({ type: 'metrics', ...sample() }), metricsEveryMs).unref();
}

void main();
