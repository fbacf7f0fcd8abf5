// Stands in for the file service that stores each request's development logs, and keeps the ledger the
// lab's checks read: how many lines the service's code wrote per subject, and what the file service
// received. Received lines are not kept: every upload is appended to a ledger file as one short record
// with a fingerprint of its lines, so recording a day of traffic costs nothing in the service's memory,
// and uploads made while the service shuts down are on record too.
import fs from 'node:fs';
import path from 'node:path';

/** Lines look like "[order-17] loaded 3 items": the bracket names the request or job run they belong to. */
export function subjectOf(line: string): string {
  const end = line.indexOf(']');
  return line.startsWith('[') && end > 1 ? line.slice(1, end) : '(none)';
}

interface Trail {
  lines: number;
  hash: number;
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

/** subject -> lines the service's code wrote for it since the last reset */
const written = new Map<string, number>();
let linesWritten = 0;
let linesUploaded = 0;
let uploads = 0;

const ledgerDir = path.join(process.cwd(), 'file-service');
fs.mkdirSync(ledgerDir, { recursive: true });
const ledgerPath = path.join(ledgerDir, `uploads-${process.pid}-${Date.now()}.ndjson`);
fs.writeFileSync(ledgerPath, '');

/** Called by the service's own code (work.ts) for every line it logs. */
export function noteWritten(line: string): void {
  const subject = subjectOf(line);
  written.set(subject, (written.get(subject) ?? 0) + 1);
  linesWritten++;
}

/**
 * The file service's API: store the lines of one trace. Lines are copied, so callers may reuse arrays.
 * The ledger file gets one record per upload: the trace ID and, per subject, how many of its lines the
 * upload held and their fingerprint, chained from zero ({"t":"…","parts":[["order-7",3,123456]]}).
 */
export function upload(traceId: string, lines: readonly string[]): void {
  if (typeof traceId !== 'string' || traceId === '') throw new TypeError('upload needs a trace ID');
  if (!Array.isArray(lines)) throw new TypeError('upload needs an array of lines');
  const parts = new Map<string, Trail>();
  for (const line of lines) {
    if (typeof line !== 'string') throw new TypeError('upload needs an array of lines (strings)');
    const subject = subjectOf(line);
    const part = parts.get(subject) ?? { lines: 0, hash: 0 };
    part.lines++;
    part.hash = chain(part.hash, line);
    parts.set(subject, part);
  }
  uploads++;
  linesUploaded += lines.length;
  const record = { t: traceId, parts: [...parts].map(([subject, p]) => [subject, p.lines, p.hash]) };
  fs.appendFileSync(ledgerPath, JSON.stringify(record) + '\n');
}

export function linesNotUploaded(): number {
  return linesWritten - linesUploaded;
}

export function uploadCount(): number {
  return uploads;
}

export interface Ledger {
  /** lines written per subject since the last reset */
  written: Record<string, number>;
  linesWritten: number;
  linesUploaded: number;
  uploads: number;
  /** the file every upload since the service started is appended to, one JSON record per line */
  file: string;
}

export function ledger(): Ledger {
  return { written: Object.fromEntries(written), linesWritten, linesUploaded, uploads, file: ledgerPath };
}

/** Forget the written counts (between rounds of a check); the ledger file keeps every upload. */
export function resetLedger(): void {
  written.clear();
  linesWritten = linesUploaded = uploads = 0;
}
