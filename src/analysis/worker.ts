// Web Worker entry: runs the analysis off the page's main thread. URLs are streamed with fetch so
// a large snapshot is never held as one buffer; ArrayBuffers arrive transferred.
import { analyzeSnapshots } from './analyze.ts';
import type { SnapshotSource } from './read-snapshot.ts';
import type { AnalyzeMessage, WorkerReply } from './worker-protocol.ts';

interface WorkerScope {
  postMessage(message: WorkerReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<AnalyzeMessage>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

async function open(input: AnalyzeMessage['snapshots'][number]): Promise<{ source: SnapshotSource; bytes?: number }> {
  if (input instanceof ArrayBuffer) return { source: input, bytes: input.byteLength };
  const response = await fetch(input.url);
  if (!response.ok || !response.body) throw new Error(`could not download ${input.url}: HTTP ${response.status}`);
  const length = Number(response.headers.get('content-length'));
  return { source: response.body, bytes: Number.isFinite(length) && length > 0 ? length : undefined };
}

scope.addEventListener('message', async (event) => {
  const message = event.data;
  if (message?.type !== 'analyze') return;
  const { id } = message;
  try {
    // Open lazily, one at a time, so only the snapshot being read is in flight.
    const opened: { source: SnapshotSource; bytes?: number }[] = [];
    for (const input of message.snapshots) opened.push(await open(input));
    const report = await analyzeSnapshots(
      opened.map((o) => o.source),
      {
        labels: message.labels,
        totalBytes: opened.map((o) => o.bytes),
        pathClasses: message.pathClasses,
        samplesPerClass: message.samplesPerClass,
        onProgress: (progress) => scope.postMessage({ type: 'progress', id, progress }),
      },
    );
    scope.postMessage({ type: 'result', id, report });
  } catch (error) {
    scope.postMessage({ type: 'error', id, message: error instanceof Error ? error.message : String(error) });
  }
});
