// Watches an upload's zip structure as the bytes flow past, without inflating anything. Read-only.
// An .xlsx file is a zip archive: every part (worksheet, shared strings…) starts with a local header
// that declares the part's compressed and uncompressed size. That is enough to refuse a part that would
// inflate beyond a limit before a single byte of it is inflated, and to notice an upload that ends early.
import { Transform, type Readable } from 'node:stream';

export interface ZipEntryInfo {
  /** e.g. "xl/worksheets/sheet1.xml" */
  name: string;
  compressedSize: number;
  /** what the part inflates to, as its header declares */
  uncompressedSize: number;
}

/** The upload is not a well-formed zip: not one at all, cut short, or in a layout this watcher cannot follow. */
export class UploadFormatError extends Error {
  override name = 'UploadFormatError';
  readonly kind: 'not-zip' | 'truncated' | 'unsupported';
  constructor(kind: UploadFormatError['kind'], message: string) {
    super(message);
    this.kind = kind;
  }
}

export interface WatchedUpload {
  /** The upload's bytes, unchanged. Feed this (not the original) to the xlsx reader. */
  stream: Readable;
  /**
   * Resolves once the whole archive went past intact (every part and the central directory).
   * Rejects with UploadFormatError, with whatever onEntry threw, or when the upload itself failed.
   * A part that onEntry refuses never reaches `stream`.
   */
  complete: Promise<void>;
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const HEADER_BYTES = 30;

/** Pipe `source` through a watcher that calls onEntry for every part, before the part's bytes pass on. */
export function watchZipEntries(source: Readable, onEntry: (entry: ZipEntryInfo) => void): WatchedUpload {
  let pending = Buffer.alloc(0); // bytes of a header that is not complete yet
  let skip = 0; // bytes of the current part's data still to pass
  let current: ZipEntryInfo | null = null;
  let parts = 0;
  let received = 0;
  let inCentral = false;
  let tail = Buffer.alloc(0); // the central directory's last bytes, to find its end record

  const keepTail = (bytes: Buffer) => {
    tail = Buffer.concat([tail, bytes]);
    if (tail.length > 70_000) tail = tail.subarray(tail.length - 70_000);
  };

  // How many bytes at the start of `pending` form a complete local header (then onEntry has run), or 0.
  const readHeader = (): number => {
    if (pending.length < 4) return 0;
    const sig = pending.readUInt32LE(0);
    if (sig === CENTRAL || sig === END) {
      inCentral = true;
      return 0;
    }
    if (sig !== LOCAL) {
      if (parts === 0)
        throw new UploadFormatError(
          'not-zip',
          'the upload is not an .xlsx workbook: it does not start like a zip archive',
        );
      throw new UploadFormatError(
        'unsupported',
        `unexpected bytes where a zip part should start (byte ${received - pending.length})`,
      );
    }
    if (pending.length < HEADER_BYTES) return 0;
    const flags = pending.readUInt16LE(6);
    const nameLen = pending.readUInt16LE(26);
    const extraLen = pending.readUInt16LE(28);
    if (pending.length < HEADER_BYTES + nameLen + extraLen) return 0;
    const name = pending.toString('utf8', HEADER_BYTES, HEADER_BYTES + nameLen);
    if (flags & 0x0008)
      throw new UploadFormatError(
        'unsupported',
        `the part "${name}" does not declare its size up front (a streamed zip); save the workbook again from a spreadsheet program`,
      );
    parts++;
    current = { name, compressedSize: pending.readUInt32LE(18), uncompressedSize: pending.readUInt32LE(22) };
    onEntry(current);
    skip = current.compressedSize;
    if (skip === 0) current = null;
    return HEADER_BYTES + nameLen + extraLen;
  };

  const scan = (chunk: Buffer): void => {
    let at = 0;
    while (at < chunk.length) {
      if (inCentral) return keepTail(chunk.subarray(at));
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - at);
        skip -= n;
        at += n;
        if (skip === 0) current = null;
        continue;
      }
      const had = pending.length;
      const take = chunk.subarray(at, at + 4096);
      pending = Buffer.concat([pending, take]);
      const used = readHeader();
      if (inCentral) {
        keepTail(pending);
        pending = Buffer.alloc(0);
        at += take.length;
      } else if (used === 0) {
        at += take.length; // the header continues in the next chunk
      } else {
        at += used - had; // the bytes after the header are the part's data
        pending = Buffer.alloc(0);
      }
    }
  };

  const watcher = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      try {
        scan(chunk);
      } catch (err) {
        return done(err as Error);
      }
      done(null, chunk);
    },
    flush(done) {
      if (received === 0) return done(new UploadFormatError('not-zip', 'the upload is empty'));
      if (!inCentral && parts === 0)
        return done(
          new UploadFormatError('not-zip', 'the upload is not an .xlsx workbook: it is too short to be a zip archive'),
        );
      if (!inCentral || tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])) < 0) {
        const where = current ? `, inside the part "${current.name}"` : '';
        return done(
          new UploadFormatError(
            'truncated',
            `the upload ended after ${received.toLocaleString('en-US')} bytes${where}: the workbook is incomplete (truncated)`,
          ),
        );
      }
      done();
    },
  });

  let settle!: { resolve: () => void; reject: (e: unknown) => void };
  const complete = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  complete.catch(() => {}); // the caller may await it later; never an unhandled rejection
  watcher.on('error', (err) => {
    settle.reject(err);
    // Let the rest of the upload drain so the client can read the answer instead of a reset.
    source.unpipe(watcher);
    source.resume();
  });
  watcher.on('end', () => settle.resolve());
  source.on('error', (err) => watcher.destroy(new Error(`the upload failed: ${err.message}`)));
  source.on('aborted', () => watcher.destroy(new Error('the client stopped sending the upload')));
  source.pipe(watcher);
  return { stream: watcher, complete };
}
