// Feeds any byte source to the streaming parser: a whole buffer, a web ReadableStream (fetch body,
// File.stream()), a Node stream or any async iterable of Uint8Array (fs.createReadStream).
import type { BufferPool } from './buffer-pool.ts';
import type { HeapGraph } from './heap-graph.ts';
import { SnapshotStreamParser } from './stream-parser.ts';

export type SnapshotSource = ArrayBuffer | Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>;

export interface ParseOptions {
  /** Called after each chunk with the bytes read so far. */
  onBytes?: (bytes: number) => void;
  /** Slice size used when the source is a whole buffer (so progress still moves). */
  sliceBytes?: number;
  /** Buffers to reuse (from an earlier snapshot). */
  pool?: BufferPool;
}

const encoder = new TextEncoder();

export async function parseSnapshot(source: SnapshotSource, options: ParseOptions = {}): Promise<HeapGraph> {
  const parser = new SnapshotStreamParser(options.pool);
  const onBytes = options.onBytes;
  // isView / byteLength rather than instanceof: buffers may come from another realm (a worker, a VM context).
  if (
    ArrayBuffer.isView(source) ||
    (typeof (source as ArrayBuffer).byteLength === 'number' &&
      typeof (source as ArrayBuffer).slice === 'function' &&
      !(Symbol.asyncIterator in source))
  ) {
    const bytes = ArrayBuffer.isView(source)
      ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
      : new Uint8Array(source as ArrayBuffer);
    const step = options.sliceBytes ?? 4 * 1024 * 1024;
    for (let o = 0; o < bytes.length; o += step) {
      parser.push(bytes.subarray(o, Math.min(o + step, bytes.length)));
      onBytes?.(parser.bytesRead);
    }
    return parser.finish();
  }
  if (typeof (source as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.push(value);
        onBytes?.(parser.bytesRead);
      }
    } catch (error) {
      await reader.cancel().catch(() => {});
      throw error;
    } finally {
      reader.releaseLock();
    }
    return parser.finish();
  }
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    parser.push(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
    onBytes?.(parser.bytesRead);
  }
  return parser.finish();
}
