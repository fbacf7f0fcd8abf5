// Web Worker entry: runs the analysis off the page's main thread. URLs are streamed with fetch so
// a large snapshot is never held as one buffer; ArrayBuffers arrive transferred. After an 'open'
// the last snapshot's graph stays here and answers retainer queries until the page ends the worker.
import { analyzeAndHold, analyzeSnapshots, type AnalyzeOptions } from './analyze.ts';
import type { SnapshotSource } from './read-snapshot.ts';
import { RetainerExplorer } from './retainer-explorer.ts';
import type { AnalyzeMessage, WorkerMessage, WorkerReply } from './worker-protocol.ts';

interface WorkerScope {
  postMessage(message: WorkerReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerMessage>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;
let explorer: RetainerExplorer | null = null;

async function open(input: AnalyzeMessage['snapshots'][number]): Promise<{ source: SnapshotSource; bytes?: number }> {
  if (input instanceof ArrayBuffer) return { source: input, bytes: input.byteLength };
  const response = await fetch(input.url);
  if (!response.ok || !response.body) throw new Error(`could not download ${input.url}: HTTP ${response.status}`);
  const length = Number(response.headers.get('content-length'));
  return { source: response.body, bytes: Number.isFinite(length) && length > 0 ? length : undefined };
}

async function handle(message: WorkerMessage): Promise<WorkerReply> {
  const { id } = message;
  if (message.type === 'retainers' || message.type === 'instances') {
    if (!explorer) throw new Error('no snapshot is open for retainer queries');
    if (message.type === 'retainers') return { type: 'retainers', id, level: explorer.expand(message.query) };
    return { type: 'instances', id, ...explorer.instances(message.className, message.limit) };
  }
  // Open lazily, one at a time, so only the snapshot being read is in flight.
  const opened: { source: SnapshotSource; bytes?: number }[] = [];
  for (const input of message.snapshots) opened.push(await open(input));
  const options: AnalyzeOptions = {
    labels: message.labels,
    totalBytes: opened.map((o) => o.bytes),
    pathClasses: message.pathClasses,
    samplesPerClass: message.samplesPerClass,
    onProgress: (progress) => scope.postMessage({ type: 'progress', id, progress }),
  };
  const sources = opened.map((o) => o.source);
  if (message.type === 'analyze') return { type: 'result', id, report: await analyzeSnapshots(sources, options) };
  explorer = null;
  const { report, held } = await analyzeAndHold(sources, options);
  explorer = new RetainerExplorer(held.graph, held.classes, held.digest, held.marked, held.dom.retained);
  return { type: 'result', id, report };
}

scope.addEventListener('message', async (event) => {
  const message = event.data;
  if (!message || typeof message.id !== 'number') return;
  try {
    scope.postMessage(await handle(message));
  } catch (error) {
    scope.postMessage({
      type: 'error',
      id: message.id,
      message: error instanceof Error ? error.message : String(error),
    });
  }
});
