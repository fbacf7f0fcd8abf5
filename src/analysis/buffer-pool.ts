// Allocates the large typed arrays of the analysis and frees them the moment a phase is done with
// them. A typed array's memory otherwise stays until the garbage collector gets round to its
// wrapper — with two snapshots in a row, the first one's arrays would still be there while the
// second one's are built, nearly doubling peak memory. Detaching a buffer
// (ArrayBuffer.prototype.transfer(0)) releases its memory at once.

type Transferable = ArrayBuffer & { transfer?: (length?: number) => ArrayBuffer; detached?: boolean };
const MIN_FREED = 64 * 1024;

export class BufferPool {
  u8(n: number): Uint8Array {
    return new Uint8Array(n);
  }
  u32(n: number): Uint32Array {
    return new Uint32Array(n);
  }
  i32(n: number): Int32Array {
    return new Int32Array(n);
  }
  f64(n: number): Float64Array {
    return new Float64Array(n);
  }

  /**
   * Frees the arrays' buffers now. The caller must not use them, or any other view of their
   * buffers, again (such views read as empty afterwards).
   */
  give(...arrays: (ArrayBufferView | null | undefined)[]): void {
    for (const a of arrays) {
      if (!a) continue;
      const buffer = a.buffer as Transferable;
      if (buffer.byteLength < MIN_FREED || buffer.detached || typeof buffer.transfer !== 'function') continue;
      buffer.transfer(0);
    }
  }
}
