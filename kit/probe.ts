// Capability probe, run by the service host at start. Each signal is tried, never assumed: WebContainer
// re-implements Node's API on the browser's JS engine and may stub or lack any of these.
import type { Capabilities } from './types.ts';

type V8Module = typeof import('node:v8');

const MB = 1024 * 1024;

export function detectRuntime(): Capabilities['runtime'] {
  const versions = process.versions as Record<string, string | undefined>;
  if (versions.webcontainer) return 'webcontainer';
  if (process.release?.name === 'node' && versions.v8) return 'node';
  return 'unknown';
}

function probeMemoryUsage(): boolean {
  try {
    const before = process.memoryUsage().heapUsed;
    // ~8 MB of small objects: enough to move heapUsed on any engine that reports it honestly.
    const hold: Array<{ i: number; s: string }> = [];
    for (let i = 0; i < 120_000; i++) hold.push({ i, s: 'x' + i });
    const after = process.memoryUsage().heapUsed;
    return hold.length > 0 && Number.isFinite(after) && after - before > 1 * MB;
  } catch {
    return false;
  }
}

function probeQueryObjects(v8: V8Module | null): boolean {
  const query = (v8 as { queryObjects?: (ctor: unknown, opts: { format: 'count' }) => number } | null)?.queryObjects;
  if (typeof query !== 'function') return false;
  try {
    class LeakbookProbe {}
    const keep = [new LeakbookProbe(), new LeakbookProbe(), new LeakbookProbe()];
    const n = query(LeakbookProbe, { format: 'count' });
    return keep.length === 3 && n === 3;
  } catch {
    return false;
  }
}

function probeGc(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return false;
  try {
    gc();
    return true;
  } catch {
    return false;
  }
}

/** Take a real snapshot and read its first bytes (~200 ms on stock Node, so only where in doubt). */
async function probeHeapSnapshotForReal(v8: V8Module): Promise<boolean> {
  try {
    const stream = v8.getHeapSnapshot();
    const first = await new Promise<string>((resolve, reject) => {
      stream.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8', 0, 16)));
      stream.once('error', reject);
      stream.once('end', () => resolve(''));
    });
    stream.destroy();
    return first.startsWith('{"snapshot"');
  } catch {
    return false;
  }
}

async function probeAsyncHooks(): Promise<boolean> {
  try {
    const hooks = await import('node:async_hooks');
    if (typeof hooks.createHook !== 'function') return false;
    let inits = 0;
    const hook = hooks
      .createHook({
        init() {
          inits++;
        },
      })
      .enable();
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    hook.disable();
    return inits > 0 && typeof hooks.executionAsyncId() === 'number';
  } catch {
    return false;
  }
}

async function probeAsyncLocalStorage(): Promise<boolean> {
  try {
    const { AsyncLocalStorage } = await import('node:async_hooks');
    const als = new AsyncLocalStorage<{ token: number }>();
    const store = { token: 42 };
    return await als.run(store, async () => {
      await new Promise<void>((resolve) => setTimeout(resolve, 1));
      await Promise.resolve();
      return als.getStore() === store;
    });
  } catch {
    return false;
  }
}

export async function probeCapabilities(opts: { fullSnapshotProbe?: boolean } = {}): Promise<Capabilities> {
  let v8: V8Module | null;
  try {
    v8 = await import('node:v8');
  } catch {
    v8 = null;
  }
  const runtime = detectRuntime();
  let heapLimitMb: number | null;
  try {
    const limit = v8?.getHeapStatistics().heap_size_limit;
    heapLimitMb = typeof limit === 'number' && limit > 0 ? Math.round(limit / MB) : null;
  } catch {
    heapLimitMb = null;
  }
  const hasSnapshotApi = !!v8 && typeof v8.getHeapSnapshot === 'function' && typeof v8.writeHeapSnapshot === 'function';
  // On stock Node the API is known good; anywhere else (or when asked) take one for real.
  const heapSnapshot =
    hasSnapshotApi && (runtime !== 'node' || opts.fullSnapshotProbe)
      ? await probeHeapSnapshotForReal(v8!)
      : hasSnapshotApi;
  return {
    runtime,
    nodeVersion: process.version,
    memoryUsage: probeMemoryUsage(),
    heapSnapshot,
    queryObjects: probeQueryObjects(v8),
    gc: probeGc(),
    heapLimitMb,
    asyncHooks: await probeAsyncHooks(),
    asyncLocalStorage: await probeAsyncLocalStorage(),
  };
}
