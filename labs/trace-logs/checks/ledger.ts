// Judging what reached the file service. The read-only file-service.ts appends one record per upload to
// a ledger file: the trace ID, and per subject (the request or report run named in a line's brackets)
// how many of its lines the upload held and their fingerprint. The lines every request and report run
// logs are computed here (model.ts); the reference logger uploads exactly those, in order, once, under
// the trace ID its response carried, never two subjects in one upload.
import fs from 'node:fs';
import { formatCount } from '#kit';
import { expectedLines, fingerprint, reportLines, subjectOf } from './model.ts';
import { shown, type Sent } from './traffic.ts';

interface Part {
  traceId: string;
  lines: number;
  hash: number;
}

export interface Filed {
  /** subject -> its parts, in upload order */
  subjects: Map<string, Part[]>;
  uploads: number;
  /** uploads that held lines of more than one subject, with those subjects */
  mixed: string[][];
}

export function readFiled(file: string): Filed {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`the file service's ledger could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, {
      cause: err,
    });
  }
  const filed: Filed = { subjects: new Map(), uploads: 0, mixed: [] };
  for (const line of text.split('\n')) {
    if (!line) continue;
    const rec = JSON.parse(line) as { t: string; parts: Array<[string, number, number]> };
    filed.uploads++;
    if (rec.parts.length > 1) filed.mixed.push(rec.parts.map((p) => p[0]));
    for (const [subject, lines, hash] of rec.parts) {
      const parts = filed.subjects.get(subject) ?? [];
      parts.push({ traceId: rec.t, lines, hash });
      filed.subjects.set(subject, parts);
    }
  }
  return filed;
}

/** Lines of `subject` the file service received. */
export function receivedLines(filed: Filed, subject: string): number {
  return (filed.subjects.get(subject) ?? []).reduce((sum, p) => sum + p.lines, 0);
}

/** null when the parts are exactly `lines`, in order, else what went wrong ("3 of 4 lines arrived"). */
function compareParts(parts: Part[], lines: string[]): string | null {
  const got = parts.reduce((sum, p) => sum + p.lines, 0);
  if (got === 0 && lines.length > 0) return `none of its ${lines.length} lines arrived`;
  let at = 0;
  let intact = true;
  for (const p of parts) {
    if (at + p.lines > lines.length || fingerprint(lines, at, at + p.lines) !== p.hash) intact = false;
    at += p.lines;
  }
  if (got < lines.length) {
    if (!intact) return `${got} of its ${lines.length} lines arrived, not the ones it wrote`;
    const missing = lines.slice(got).map((l) => `"${l.slice(l.indexOf(']') + 2)}"`);
    return `${got} of its ${lines.length} lines arrived; missing: ${missing.slice(0, 2).join(', ')}${missing.length > 2 ? ` and ${missing.length - 2} more` : ''}`;
  }
  if (got > lines.length) return `${got} lines arrived for the ${lines.length} it wrote (some twice)`;
  return intact ? null : `its ${lines.length} lines arrived out of order or altered`;
}

function describeSubject(subject: string): string {
  return subject.startsWith('report-') ? `hourly report run ${subject.slice(7)}` : subject;
}

export interface Judged {
  problems: string[];
  requests: number;
  reports: number;
  lines: number;
}

/**
 * Judge the file service's ledger against the requests `sent` (with the trace IDs their responses
 * carried) and report runs 1…`reportRuns` (each run must arrive whole; later runs found in the ledger are
 * judged too). `where` names the traffic in messages.
 */
export function judgeFiled(filed: Filed, sent: Sent[], reportRuns: number, where: string): Judged {
  const problems: string[] = [];
  const judged: Judged = { problems, requests: sent.length, reports: 0, lines: 0 };
  const note = (what: string, count: number, example: string) =>
    problems.push(
      count > 1 ? `${where}, ${formatCount(count)} ${what}; for example ${example}` : `${where}, ${example}`,
    );

  if (filed.mixed.length > 0)
    note(
      'uploads mixed lines of different requests or runs',
      filed.mixed.length,
      `one upload held lines of ${filed.mixed[0]!.slice(0, 3).map(describeSubject).join(' and ')}`,
    );

  const owners = new Map<string, string>(); // trace ID -> the request whose response carried it
  const reused: string[] = [];
  for (const s of sent) {
    const other = owners.get(s.traceId);
    if (other) reused.push(`${other} and ${shown(s.req)} both carried x-trace-id ${s.traceId}`);
    owners.set(s.traceId, shown(s.req));
  }
  if (reused.length) note('pairs of requests shared a trace ID', reused.length, reused[0]!);

  const known = new Set<string>();
  const lost: string[] = [];
  const misfiled: string[] = [];
  for (const s of sent) {
    const subject = subjectOf(s.req.route);
    if (!subject) continue;
    known.add(subject);
    const parts = filed.subjects.get(subject) ?? [];
    const completed = s.req.route.kind === 'export' ? (s.completed ? true : null) : null;
    const choices = expectedLines(s.req.route, completed);
    judged.lines += choices[0]!.length;
    const wrong = choices.map((lines) => compareParts(parts, lines));
    if (wrong.every((w) => w !== null)) {
      lost.push(`${shown(s.req)}: ${wrong.find((w) => w!.startsWith('none')) ?? wrong[0]}`);
      continue;
    }
    const ids = new Set(parts.map((p) => p.traceId));
    if (ids.size > 1) misfiled.push(`the lines of ${shown(s.req)} were uploaded under ${ids.size} different trace IDs`);
    else if (ids.size === 1 && !ids.has(s.traceId))
      misfiled.push(`the lines of ${shown(s.req)} were uploaded under a trace ID other than its x-trace-id header`);
  }
  if (lost.length) note('requests are missing lines or have them garbled in the file service', lost.length, lost[0]!);
  if (misfiled.length) note('requests were filed under the wrong trace ID', misfiled.length, misfiled[0]!);

  const runs = new Set<number>();
  for (let run = 1; run <= reportRuns; run++) runs.add(run);
  for (const subject of filed.subjects.keys()) {
    const m = /^report-(\d+)$/.exec(subject);
    if (m) runs.add(Number(m[1]));
  }
  const badRuns: string[] = [];
  /** trace ID -> the report run first filed under it: each run has one of its own */
  const runOwners = new Map<string, number>();
  for (const run of [...runs].sort((a, b) => a - b)) {
    const subject = `report-${run}`;
    known.add(subject);
    const parts = filed.subjects.get(subject) ?? [];
    const lines = reportLines(run);
    judged.reports++;
    judged.lines += lines.length;
    const wrong = compareParts(parts, lines);
    const failing = lines[lines.length - 1]!.includes('giving up') ? ' (the run that fails part-way)' : '';
    if (wrong) badRuns.push(`hourly report run ${run}${failing}: ${wrong}`);
    else if (new Set(parts.map((p) => p.traceId)).size > 1)
      badRuns.push(`hourly report run ${run}${failing} was uploaded under several trace IDs`);
    else if (owners.has(parts[0]!.traceId))
      badRuns.push(`hourly report run ${run} was uploaded under the trace ID of ${owners.get(parts[0]!.traceId)}`);
    else if (runOwners.has(parts[0]!.traceId))
      badRuns.push(
        `hourly report runs ${runOwners.get(parts[0]!.traceId)} and ${run} were uploaded under the same trace ID (${parts[0]!.traceId}); each run needs one of its own`,
      );
    else if (parts[0]) runOwners.set(parts[0].traceId, run);
  }
  if (badRuns.length) note('hourly report runs did not arrive whole', badRuns.length, badRuns[0]!);

  const strangers = [...filed.subjects.keys()].filter((s) => !known.has(s));
  if (strangers.length)
    note(
      'subjects reached the file service that no request or report run logged',
      strangers.length,
      `lines of "${strangers[0]}" arrived, which no request or report run wrote`,
    );
  return judged;
}
