// Stands in for the file service that stores each request's development logs, and keeps the ledger the
// lab's checks read: how many lines the service wrote per subject, and what the file service received.
// It keeps a running fingerprint per subject instead of the lines themselves, so recording a day of
// traffic costs a few hundred bytes per request and never looks like a leak.

/** Lines look like "[order-17] loaded 3 items": the bracket names the request or job run they belong to. */
export function subjectOf(line: string): string {
  const end = line.indexOf(']');
  return line.startsWith('[') && end > 1 ? line.slice(1, end) : '(none)';
}

interface Trail {
  lines: number;
  hash: number;
}

interface Received extends Trail {
  traceIds: Set<string>;
  uploads: number;
}

// FNV-1a over each line, chained, so order and duplicates both change the result.
function chain(hash: number, line: string): number {
  let h = hash ^ 0x9e3779b9;
  for (let i = 0; i < line.length; i++) {
    h ^= line.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const written = new Map<string, Trail>();
const received = new Map<string, Received>();
let linesWritten = 0;
let linesUploaded = 0;
let uploads = 0;
let mixedUploads = 0;

/** Called by the service's own code (work.ts) for every line it logs. */
export function noteWritten(line: string): void {
  const subject = subjectOf(line);
  const trail = written.get(subject) ?? { lines: 0, hash: 0 };
  trail.lines++;
  trail.hash = chain(trail.hash, line);
  written.set(subject, trail);
  linesWritten++;
}

/** The file service's API: store the lines of one trace. Lines are copied, so callers may reuse arrays. */
export function upload(traceId: string, lines: readonly string[]): void {
  if (typeof traceId !== 'string' || traceId === '') throw new TypeError('upload needs a trace ID');
  if (!Array.isArray(lines)) throw new TypeError('upload needs an array of lines');
  uploads++;
  linesUploaded += lines.length;
  const subjects = new Set(lines.map(subjectOf));
  if (subjects.size > 1) mixedUploads++;
  for (const line of lines) {
    const subject = subjectOf(line);
    const got = received.get(subject) ?? { lines: 0, hash: 0, traceIds: new Set<string>(), uploads: 0 };
    got.lines++;
    got.hash = chain(got.hash, line);
    got.traceIds.add(traceId);
    received.set(subject, got);
  }
  for (const subject of subjects) received.get(subject)!.uploads++;
}

export function linesNotUploaded(): number {
  return linesWritten - linesUploaded;
}

export function uploadCount(): number {
  return uploads;
}

export interface LedgerSubject {
  subject: string;
  written: number;
  received: number;
  /** true when the received lines are exactly the written ones, in order */
  intact: boolean;
  traceIds: string[];
  uploads: number;
}

export interface Ledger {
  linesWritten: number;
  linesUploaded: number;
  uploads: number;
  mixedUploads: number;
  subjects: LedgerSubject[];
}

export function ledger(): Ledger {
  const names = new Set([...written.keys(), ...received.keys()]);
  const subjects: LedgerSubject[] = [];
  for (const subject of names) {
    const w = written.get(subject) ?? { lines: 0, hash: 0 };
    const r = received.get(subject);
    subjects.push({
      subject,
      written: w.lines,
      received: r?.lines ?? 0,
      intact: !!r && r.lines === w.lines && r.hash === w.hash,
      traceIds: r ? [...r.traceIds] : [],
      uploads: r?.uploads ?? 0,
    });
  }
  return { linesWritten, linesUploaded, uploads, mixedUploads, subjects };
}

/** Forget what was recorded (between rounds of a check), keeping nothing of the old round. */
export function resetLedger(): void {
  written.clear();
  received.clear();
  linesWritten = linesUploaded = uploads = mixedUploads = 0;
}
