// The service host: runs inside the lab's service process (spawned by the supervisor with --expose-gc and
// --max-old-space-size). It loads <ws>/app/<entry>, calls the lab's factory, listens on 127.0.0.1, reports
// `ready` with probed Capabilities, streams `metrics`, and answers the supervisor's requests (measure,
// snapshot, profile, stop) read as JSON lines from stdin. stdin closing means the supervisor is gone: exit.
//
// Allocation sampling: where node:inspector works, an in-process inspector session is opened when this
// module loads and V8's sampling heap profiler runs from just before the lab's entry is imported to the
// end of the process, in a reader's Run and in every Check service alike (the kit never behaves
// differently while judged). A 'profile' request (kind 'heap') writes what it has sampled of the objects
// still alive, as Chrome DevTools saves it (.heapprofile JSON): the allocation sites of a leak.
//
// The lab's code runs in this same process, so nothing the kit reports may depend on what that code can
// change. The first stdin line carries the channel key; every event and reply goes out sealed with it
// (kit/seal.ts) on file descriptor 3, never on stdout, which is the lab's own output. The measurement
// functions below are taken when this module loads, before the lab's entry is imported: a lab that
// replaces gc, v8.queryObjects, process.memoryUsage or the snapshot functions afterwards changes only
// its own view of them.
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PROTOCOL_VERSION, type LabEvent } from '../contracts/lab-protocol.ts';
import type { HostReply, HostRequest } from '../contracts/host-protocol.ts';
import { probeCapabilities } from './probe.ts';
import { describeError, onLines } from './lines.ts';
import { keyFrom, seal, uncurry } from './seal.ts';
import { workspaceModule } from './modules.ts';
import type { Measurement, MemorySample, ServiceContext, ServiceHandle } from './types.ts';

let v8: typeof import('node:v8') | null;
try {
  v8 = await import('node:v8');
} catch {
  v8 = null;
}
type QueryObjects = (c: Ctor, o: { format: 'count' }) => number;
const measuring = Object.freeze({
  gc: (globalThis as { gc?: () => void }).gc,
  memoryUsage: process.memoryUsage.bind(process),
  activeResources:
    typeof process.getActiveResourcesInfo === 'function' ? process.getActiveResourcesInfo.bind(process) : null,
  queryObjects: (v8 as { queryObjects?: QueryObjects } | null)?.queryObjects,
  writeHeapSnapshot: v8?.writeHeapSnapshot,
  getHeapSnapshot: v8?.getHeapSnapshot,
  getHeapStatistics: v8?.getHeapStatistics,
  getHeapSpaceStatistics: v8?.getHeapSpaceStatistics,
});

// The inspector session is opened here, before any lab code exists; its post is bound now, so a lab that
// replaces Session.prototype.post later changes only its own sessions.
type InspectorPost = (
  method: string,
  params: Record<string, unknown> | undefined,
  done: (err: Error | null, result?: unknown) => void,
) => void;
let inspectorPost: InspectorPost | null = null;
try {
  const inspector = await import('node:inspector');
  const session = new inspector.Session();
  session.connect();
  inspectorPost = session.post.bind(session) as InspectorPost;
} catch {
  inspectorPost = null; // Node built without the inspector, or a runtime that lacks it (WebContainer)
}
/** One sample per 16 KB allocated on average: V8's default is 32 KB, and a lab's heap is small. */
const SAMPLING_INTERVAL = 16384;
const now = performance.now.bind(performance);
const setImmediateKit = setImmediate;
const writeSync = fs.writeSync;
const writeFileSync = fs.writeFileSync;
const readFileSync = fs.readFileSync;
const execVmHwm = RegExp.prototype.exec.bind(/^VmHWM:\s+(\d+) kB$/m);
const execCodeSpace = RegExp.prototype.exec.bind(/^(code|trusted)_/);
const KitPromise = Promise;
const statSync = fs.statSync;
const mkdirSync = fs.mkdirSync;
const exit: (code?: number) => never = process.exit.bind(process);
const objectKeys = Object.keys;
const objectValues = Object.values;
const isArray = Array.isArray;
const stringifyPrimitive = JSON.stringify;
const parseJson = JSON.parse;
const mapGet = uncurry(Map.prototype.get as (k: string) => unknown);
const mapSet = uncurry(Map.prototype.set as (k: string, v: unknown) => unknown);
const mapHas = uncurry(Map.prototype.has as (k: string) => boolean);
const startsWith = uncurry(String.prototype.startsWith as (s: string) => boolean);
const endsWith = uncurry(String.prototype.endsWith as (s: string) => boolean);
const CHANNEL_FD = 3;
const toNumber = Number;
const isFiniteNumber = Number.isFinite;
const setHas = uncurry(Set.prototype.has as (k: string) => boolean);
const urlToPath = fileURLToPath;

// Who registers a gauge: a gauge of a read-only lab file (the store's staged rows, the container's peak
// RSS) reports what only that file sees, and checks may judge it; one the reader's code registered is
// the reader's own number. The caller is read from V8's structured stack, with the intrinsics the kit
// takes now: the %Error% constructor (a lab that replaces globalThis.Error does not reach it) and
// CallSite's getFileName (a lab that patches the CallSite prototype later does not change this copy).
type CallSite = { getFileName(): string | null };
const KitError = Error;
/** %Error%'s static hooks V8 reads when it formats a stack */
const errorHooks = Error as unknown as { prepareStackTrace?: unknown; stackTraceLimit: number };
const captureStackTrace = Error.captureStackTrace;
const ownDescriptor = Object.getOwnPropertyDescriptor;
const defineProperty = Object.defineProperty;
const callSiteFile = (() => {
  const saved = ownDescriptor(errorHooks, 'prepareStackTrace');
  errorHooks.prepareStackTrace = (_e: unknown, sites: CallSite[]) => sites;
  const sites = new KitError().stack as unknown as CallSite[];
  if (saved) defineProperty(errorHooks, 'prepareStackTrace', saved);
  else delete errorHooks.prepareStackTrace;
  return uncurry(Object.getPrototypeOf(sites[0]).getFileName as () => string | null);
})();

/** The file of the function that called `below`, or null when the lab tampered with stack traces. */
function registeringFile(below: (...args: never[]) => unknown): string | null {
  const prepare = ownDescriptor(errorHooks, 'prepareStackTrace');
  const limit = ownDescriptor(errorHooks, 'stackTraceLimit');
  const ours = (_e: unknown, sites: CallSite[]) => sites;
  try {
    errorHooks.prepareStackTrace = ours;
    errorHooks.stackTraceLimit = 1;
    // a lab that made them read-only gets no read-only gauges
    if (errorHooks.prepareStackTrace !== ours || errorHooks.stackTraceLimit !== 1) return null;
    const holder: { stack?: unknown } = {};
    captureStackTrace(holder, below);
    const sites = holder.stack as CallSite[] | undefined;
    if (!isArray(sites) || sites.length < 1) return null;
    const file = callSiteFile(sites[0]);
    return typeof file === 'string' && startsWith(file, 'file://') ? urlToPath(file) : file;
  } catch {
    return null;
  } finally {
    try {
      if (prepare) defineProperty(errorHooks, 'prepareStackTrace', prepare);
      else delete errorHooks.prepareStackTrace;
      if (limit) defineProperty(errorHooks, 'stackTraceLimit', limit);
    } catch {
      // hooks the lab locked stay as the lab left them
    }
  }
}

type Ctor = abstract new (...args: never[]) => unknown;

const ws = process.cwd();
const manifest = JSON.parse(fs.readFileSync(path.join(ws, 'lab.json'), 'utf8')) as {
  entry: string;
  timeScale: number;
  files: Array<{ path: string; editable: boolean }>;
};
const timeScale = Number(process.env.LEAKBOOK_TIME_SCALE) || manifest.timeScale || 1;
const metricsEveryMs = Number(process.env.LEAKBOOK_METRICS_MS) || 250;
const started = now();
const gauges = new Map<string, () => number>();
/** Names of the gauges the lab's read-only files registered themselves (see registeringFile). */
const readOnlyGauges: string[] = [];
const readOnlyFiles = new Set(
  manifest.files.filter((f) => !f.editable).map((f) => workspaceModule(ws, `app/${f.path}`)),
);
const countables = new Map<string, Ctor>();
let handle: ServiceHandle | null = null;
let channelKey: ReturnType<typeof keyFrom> | null = null;

/**
 * JSON of plain data without looking anything up on prototypes: JSON.stringify would call a toJSON the
 * lab put on Object.prototype. Only own keys of plain objects, arrays, and primitives.
 */
function encode(value: unknown): string {
  if (value === null || typeof value !== 'object') return stringifyPrimitive(value ?? null) ?? 'null';
  if (isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + encode(value[i]);
    return out + ']';
  }
  // index loops throughout: an iterator the lab replaced on Array.prototype could skip keys
  let out = '{';
  let first = true;
  const keys = objectKeys(value);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined || typeof v === 'function') continue;
    out += (first ? '' : ',') + stringifyPrimitive(k) + ':' + encode(v);
    first = false;
  }
  return out + '}';
}

/** Everything the host says goes sealed on its private descriptor; without the key there is nothing to say. */
function send(body: { e: LabEvent } | { r: HostReply }): void {
  if (!channelKey) return;
  const line = seal(channelKey, encode(body));
  try {
    writeSync(CHANNEL_FD, line);
  } catch {
    // the supervisor is gone; stdin closing ends us
  }
}

function emit(ev: LabEvent): void {
  send({ e: ev });
}

function reply(r: HostReply): void {
  send({ r });
}

/** Report a fatal error in one clear line, then exit non-zero (the supervisor decides about restarts). */
function die(what: string, err: unknown): never {
  const message = `${what}: ${describeError(err, ws)}`;
  emit({ type: 'error', message });
  process.stderr.write(`[lab] ${message}\n`);
  exit(1);
}

process.on('uncaughtException', (err) => die('The service crashed with an uncaught exception', err));
process.on('unhandledRejection', (err) => die('The service crashed with an unhandled promise rejection', err));
process.on('warning', (w) => {
  // queryObjects is ours (measurement), not the lab's: keep it out of the reader's warnings.
  if (w.name === 'ExperimentalWarning' && /queryObjects/.test(w.message)) return;
  emit({ type: 'warning', name: w.name, message: w.message });
});

function sample(): MemorySample {
  const mem = measuring.memoryUsage();
  const values: Record<string, number> = {};
  for (const [name, read] of gauges) {
    try {
      const v = toNumber(read());
      if (isFiniteNumber(v)) values[name] = v;
    } catch {
      // a gauge that throws is skipped for this sample rather than killing the probe
    }
  }
  return {
    t: Math.round(now() - started),
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
  // A class registered under a name and another one exported under it: counting either could be a
  // decoy (an empty class that shares the name of the one that holds the data), so refuse to guess.
  const found: Ctor[] = [];
  const add = (c: Ctor) => {
    for (let i = 0; i < found.length; i++) if (found[i] === c) return;
    found[found.length] = c;
  };
  const registered = mapGet(countables, name) as Ctor | undefined;
  if (registered) add(registered);
  for (let i = 0; i < manifest.files.length; i++) {
    const file = manifest.files[i];
    if (!/\.(ts|mts|js|mjs)$/.test(file.path)) continue;
    try {
      const mod = (await import(pathToFileURL(workspaceModule(ws, `app/${file.path}`)).href)) as Record<
        string,
        unknown
      >;
      const hit = pickCtor(mod, name);
      if (hit) add(hit);
    } catch {
      // a module that fails to import again cannot hold the class; keep looking elsewhere
    }
  }
  if (found.length > 1)
    throw new Error(`cannot count "${name}": the lab's code has ${found.length} different classes of that name`);
  if (found.length === 1) return found[0];
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
  const values = objectValues(mod);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value === 'function' && value.name === name && value.prototype) return value as Ctor;
  }
  const direct = mod[name];
  return typeof direct === 'function' && direct.prototype ? (direct as Ctor) : null;
}

/** Live handles and requests by kind (Timeout, TCPSocketWrap, FSReqCallback, …), the kit's own included. */
function resourceCounts(): Record<string, number> {
  if (!measuring.activeResources) throw new Error('this runtime cannot list live timers and handles');
  const counts: Record<string, number> = {};
  const kinds = measuring.activeResources();
  for (let i = 0; i < kinds.length; i++) counts[kinds[i]] = (counts[kinds[i]] ?? 0) + 1;
  return counts;
}

/** The most resident memory the process has had (Linux keeps it: VmHWM), or null elsewhere. */
function peakResident(): number | null {
  try {
    const hit = execVmHwm(readFileSync('/proc/self/status', 'latin1'));
    return hit ? toNumber(hit[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Bytes of V8's code and trusted spaces in use (compiled code, bytecode, their metadata), or null. */
function codeHeap(): number | null {
  const spaces = measuring.getHeapSpaceStatistics?.();
  if (!spaces) return null;
  let bytes = 0;
  for (let i = 0; i < spaces.length; i++) if (execCodeSpace(spaces[i]!.space_name)) bytes += spaces[i]!.space_used_size;
  return bytes;
}

async function measure(req: { gc?: boolean; count?: string[]; resources?: boolean }): Promise<Measurement> {
  const gc = measuring.gc;
  let afterGc = false;
  if (req.gc && typeof gc === 'function') {
    // Two passes: the first can leave objects whose finalizers only run afterwards.
    gc();
    await new Promise((r) => setImmediateKit(r));
    gc();
    afterGc = true;
  }
  const m: Measurement = { ...sample(), afterGc, readOnlyGauges };
  const code = codeHeap();
  if (code !== null) m.codeHeap = code;
  const limit = measuring.getHeapStatistics?.().heap_size_limit;
  if (typeof limit === 'number') m.heapSizeLimit = limit;
  const peak = peakResident();
  if (peak !== null) m.peakRss = peak;
  if (req.resources) m.resources = resourceCounts();
  if (req.count?.length) {
    const query = measuring.queryObjects;
    if (typeof query !== 'function') throw new Error('this runtime cannot count live objects (no v8.queryObjects)');
    m.counts = {};
    for (let i = 0; i < req.count.length; i++) {
      const name = req.count[i];
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

/** Calls the kit's inspector session; the in-process session answers synchronously, this waits either way. */
function inspect(method: string, params?: Record<string, unknown>): Promise<unknown> {
  const post = inspectorPost;
  return new KitPromise((resolve, reject) => {
    if (!post) return reject(new Error('this runtime has no inspector (node:inspector)'));
    post(method, params, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/** Starts V8's sampling heap profiler for the rest of the process; false where it cannot run. */
async function startAllocationSampling(): Promise<boolean> {
  if (!inspectorPost) return false;
  try {
    await inspect('HeapProfiler.enable');
    // no includeObjectsCollectedBy…GC: V8 drops the samples of collected objects, so a profile shows
    // what is still alive ("inuse"), which is where a leak's allocation site is found
    await inspect('HeapProfiler.startSampling', { samplingInterval: SAMPLING_INTERVAL });
    return true;
  } catch {
    return false;
  }
}

let allocationSampling = false;

/** Writes the sampling heap profile (kind 'heap') as .heapprofile JSON under profiles/. */
async function heapProfile(req: {
  kind: string;
  file: string;
}): Promise<{ path: string; bytes: number; kind: 'heap' }> {
  if (req.kind !== 'heap') throw new Error('a Node service has allocation sampling (heap) only');
  if (!allocationSampling) throw new Error('this runtime has no allocation sampling (node:inspector)');
  const target = path.resolve(ws, req.file);
  if (!startsWith(target, path.join(ws, 'profiles') + path.sep) || !endsWith(target, '.heapprofile'))
    throw new Error('heap profiles are written only under profiles/, as .heapprofile');
  const gc = measuring.gc;
  if (typeof gc === 'function') {
    // what is garbage now leaves the profile only once a GC collected it: two passes, as measure() does
    gc();
    await new KitPromise((r) => setImmediateKit(r));
    gc();
  }
  const result = (await inspect('HeapProfiler.getSamplingProfile')) as { profile?: unknown } | undefined;
  if (!result || typeof result.profile !== 'object' || result.profile === null)
    throw new Error('the inspector returned no sampling profile');
  const json = encode(result.profile);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, json);
  return { path: req.file, bytes: statSync(target).size, kind: 'heap' };
}

/** Set once a graceful stop began: stdin closing right after the stop request must not cut it short. */
let stopping = false;

async function stop(): Promise<void> {
  stopping = true;
  const h = handle;
  const timer = setTimeout(() => exit(0), 2000);
  try {
    await h?.close?.();
  } catch (err) {
    process.stderr.write(`[lab] close() failed: ${describeError(err, ws)}\n`);
  }
  h?.server.closeAllConnections?.();
  h?.server.close(() => {
    clearTimeout(timer);
    exit(0);
  });
  if (!h) exit(0);
}

async function serve(req: HostRequest): Promise<void> {
  try {
    if (req.op === 'measure') return reply({ id: req.id, ok: true, result: await measure(req) });
    if (req.op === 'snapshot') {
      const write = measuring.writeHeapSnapshot;
      if (typeof write !== 'function') throw new Error('this runtime cannot write heap snapshots');
      const target = path.resolve(ws, req.file);
      if (!startsWith(target, path.join(ws, 'snapshots') + path.sep))
        throw new Error('snapshots are written only under snapshots/');
      mkdirSync(path.dirname(target), { recursive: true });
      const written = write(target);
      return reply({ id: req.id, ok: true, result: { path: req.file, bytes: statSync(written).size } });
    }
    if (req.op === 'profile') return reply({ id: req.id, ok: true, result: await heapProfile(req) });
    if (req.op === 'stop') {
      reply({ id: req.id, ok: true, result: null });
      return stop();
    }
    reply({ id: (req as { id: number }).id, ok: false, error: `unknown request ${(req as { op: string }).op}` });
  } catch (err) {
    reply({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
}

/** The supervisor's first stdin line: the channel key and how to probe; read before any lab code runs. */
interface HostInit {
  key: string;
  fullSnapshotProbe?: boolean;
}

async function main(): Promise<void> {
  // Listen from the start: a supervisor that goes away before we are ready must still end us.
  let gotInit: (init: HostInit) => void = () => {};
  const init = new Promise<HostInit>((resolve) => (gotInit = resolve));
  onLines(
    process.stdin,
    (line) => {
      if (!line.trim()) return;
      let msg: HostRequest | HostInit;
      try {
        msg = parseJson(line) as HostRequest | HostInit;
      } catch {
        return;
      }
      if (!channelKey) {
        if (typeof (msg as HostInit).key !== 'string') return;
        channelKey = keyFrom((msg as HostInit).key);
        return gotInit(msg as HostInit);
      }
      void serve(msg as HostRequest);
    },
    () => {
      if (!stopping) exit(0); // a stop under way exits by itself, within its 2 s
    },
  );
  const { fullSnapshotProbe } = await init;
  const caps = await probeCapabilities({ fullSnapshotProbe });
  measuring.gc?.(); // drop the probe's garbage before the lab starts
  allocationSampling = await startAllocationSampling();
  caps.allocationSampling = allocationSampling;

  // Tell the supervisor the kit is up: its start timeout now measures the lab's own code only
  // (import, factory, listen), not how long a loaded machine took to boot Node and the kit.
  reply({ id: 0, ok: true, result: 'loading-lab' });

  const fixturesDir = path.join(ws, 'fixtures');
  const ctx: ServiceContext = {
    gauge(name, read) {
      if (typeof read !== 'function') throw new TypeError(`gauge "${name}" needs a function that returns a number`);
      // first come, first kept: a later module cannot take over a gauge another one reports
      if (mapHas(gauges, name)) throw new Error(`a gauge named "${name}" is already reported`);
      mapSet(gauges, name, read);
      const file = registeringFile(ctx.gauge);
      // defined, not assigned: a setter the lab put on Array.prototype cannot see or change it
      if (file !== null && setHas(readOnlyFiles, file))
        defineProperty(readOnlyGauges, readOnlyGauges.length, { value: name, enumerable: true });
    },
    ms: (labMs) => Math.max(1, Math.round(labMs * timeScale)),
    timeScale,
    labNow: () => (now() - started) / timeScale,
    fixturesDir,
    countable(...ctors) {
      for (const c of ctors) mapSet(countables, c.name, c);
    },
  };

  const entryPath = workspaceModule(ws, `app/${manifest.entry}`);
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
