// Page-side API: `analyze({ snapshots, onProgress })` runs the analysis in a Web Worker and resolves
// with the report. Buffers are transferred to the worker (the caller's copies become empty);
// strings are URLs the worker streams. One worker per call, terminated afterwards, so the memory
// a large snapshot needed is given back at once.
import type { Progress, Report } from './analyze.ts';
import type { AnalyzeMessage, SnapshotInput, WorkerReply } from './worker-protocol.ts';

export type { Progress, Report } from './analyze.ts';

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
        reject(new Error(reply.message));
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
