// Page-side API: `analyze({ snapshots, onProgress })` runs the analysis in a Web Worker and resolves
// with the report. Buffers are transferred to the worker (the caller's copies become empty);
// strings are URLs the worker streams. One worker per call, terminated afterwards, so the memory
// a large snapshot needed is given back at once.
import type { Progress, Report } from './analyze.ts';
import type { InstanceInfo, RetainerLevel, RetainerQuery } from './retainer-explorer.ts';
import type { AnalyzeMessage, QueryMessage, SnapshotInput, WorkerReply } from './worker-protocol.ts';

export type { Progress, Report } from './analyze.ts';
export type { InstanceInfo, RetainerGroup, RetainerLevel, RetainerQuery } from './retainer-explorer.ts';

export interface AnalyzeRequest {
  /** Two snapshots → comparison; three → leaked objects too; one → summary only. */
  snapshots: (ArrayBuffer | string)[];
  labels?: string[];
  onProgress?: (progress: Progress) => void;
  signal?: AbortSignal;
  /** Makes the worker; defaults to the bundled analysis worker. */
  createWorker?: () => Worker;
}

let nextId = 1;

export function defaultWorker(): Worker {
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'heap-analysis' });
}

export function analyze(request: AnalyzeRequest): Promise<Report> {
  const worker = (request.createWorker ?? defaultWorker)();
  const id = nextId++;
  return new Promise<Report>((resolve, reject) => {
    const finish = () => {
      worker.terminate();
      request.signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      finish();
      reject(new DOMException('analysis cancelled', 'AbortError'));
    };
    if (request.signal?.aborted) return onAbort();
    request.signal?.addEventListener('abort', onAbort);
    worker.addEventListener('message', (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      if (reply.id !== id) return;
      if (reply.type === 'progress') request.onProgress?.(reply.progress);
      else if (reply.type === 'result') {
        finish();
        resolve(reply.report);
      } else {
        finish();
        reject(new Error(reply.type === 'error' ? reply.message : `unexpected reply ${reply.type}`));
      }
    });
    worker.addEventListener('error', (event) => {
      finish();
      reject(new Error(`the analysis worker failed: ${event.message || 'could not load'}`));
    });
    const snapshots: SnapshotInput[] = request.snapshots.map((s) => (typeof s === 'string' ? { url: s } : s));
    const transfer = snapshots.filter((s): s is ArrayBuffer => s instanceof ArrayBuffer);
    const message: AnalyzeMessage = { type: 'analyze', id, snapshots, labels: request.labels };
    worker.postMessage(message, transfer);
  });
}

/** An analysis whose last snapshot stays in its worker, to explore retainers one level at a time. */
export interface Investigation {
  report: Report;
  retainers(query: RetainerQuery): Promise<RetainerLevel>;
  instances(className: string, limit?: number): Promise<{ total: number; items: InstanceInfo[] }>;
  /** Ends the worker and frees the snapshot it holds. */
  close(): void;
}

type QueryBody = QueryMessage extends infer M ? (M extends QueryMessage ? Omit<M, 'id'> : never) : never;

export async function openInvestigation(request: AnalyzeRequest): Promise<Investigation> {
  const worker = (request.createWorker ?? defaultWorker)();
  const pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    worker.terminate();
    request.signal?.removeEventListener('abort', onAbort);
    for (const p of pending.values()) p.reject(new DOMException('analysis closed', 'AbortError'));
    pending.clear();
  };
  const onAbort = () => close();
  request.signal?.addEventListener('abort', onAbort);
  worker.addEventListener('message', (event: MessageEvent<WorkerReply>) => {
    const reply = event.data;
    if (reply.type === 'progress') return request.onProgress?.(reply.progress);
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (reply.type === 'error') p.reject(new Error(reply.message));
    else p.resolve(reply);
  });
  worker.addEventListener('error', (event) => {
    const error = new Error(`the analysis worker failed: ${event.message || 'could not load'}`);
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  });
  const send = (body: Omit<AnalyzeMessage, 'id'> | QueryBody, transfer: Transferable[] = []) =>
    new Promise<WorkerReply>((resolve, reject) => {
      if (closed) return reject(new DOMException('analysis closed', 'AbortError'));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...body, id }, transfer);
    });
  if (request.signal?.aborted) close();
  const snapshots: SnapshotInput[] = request.snapshots.map((s) => (typeof s === 'string' ? { url: s } : s));
  const transfer = snapshots.filter((s): s is ArrayBuffer => s instanceof ArrayBuffer);
  let reply: WorkerReply;
  try {
    reply = await send({ type: 'open', snapshots, labels: request.labels }, transfer);
  } catch (error) {
    close();
    throw error;
  }
  if (reply.type !== 'result') throw new Error(`unexpected reply ${reply.type}`);
  return {
    report: reply.report,
    async retainers(query) {
      const r = await send({ type: 'retainers', query });
      if (r.type !== 'retainers') throw new Error(`unexpected reply ${r.type}`);
      return r.level;
    },
    async instances(className, limit) {
      const r = await send({ type: 'instances', className, limit });
      if (r.type !== 'instances') throw new Error(`unexpected reply ${r.type}`);
      return { total: r.total, items: r.items };
    },
    close,
  };
}
