// Hidden checks for the trace-logs lab. They read the file service's ledger (what the service wrote
// versus what was uploaded) and, where the runtime allows, the heap after a forced GC.
import { defineChecks, formatBytes, formatCount, type CheckContext } from '#kit';
import { driveHours, type TrafficResult } from '../scenarios.ts';

const HOURS_PER_ROUND = 4;
/** Heap growth between two identical rounds that still counts as flat (GC noise, JIT code). */
const FLAT_HEAP_BYTES = 1024 * 1024;

interface LedgerSubject {
  subject: string;
  written: number;
  received: number;
  intact: boolean;
  traceIds: string[];
  uploads: number;
}
interface Ledger {
  linesWritten: number;
  linesUploaded: number;
  uploads: number;
  mixedUploads: number;
  subjects: LedgerSubject[];
}

async function readLedger(t: CheckContext): Promise<Ledger> {
  const r = await t.service.request('/__lab/ledger');
  if (r.status !== 200) throw new Error(`the service did not answer its ledger (status ${r.status})`);
  return JSON.parse(r.body.toString('utf8')) as Ledger;
}

/** Traffic, then a pause long enough for late audit lines and disconnects to settle. */
async function round(t: CheckContext): Promise<{ traffic: TrafficResult; ledger: Ledger }> {
  const traffic = await driveHours(t, HOURS_PER_ROUND);
  await new Promise((r) => setTimeout(r, Math.max(t.ms(30 * 60_000), 100)));
  const ledger = await readLedger(t);
  const reset = await t.service.request('/__lab/ledger/reset', { method: 'POST' });
  if (reset.status !== 204) throw new Error('the service did not reset its ledger');
  return { traffic, ledger };
}

const kinds: Array<[prefix: string, what: string]> = [
  ['report-', 'hourly report runs'],
  ['export-', 'exports'],
  ['order-', 'order lookups'],
];

/** "16,004 from 4 hourly report runs, 3 from exports" for the subjects whose lines did not all leave. */
function missingByKind(ledger: Ledger): string {
  const parts: string[] = [];
  for (const [prefix, what] of kinds) {
    const short = ledger.subjects.filter((s) => s.subject.startsWith(prefix) && s.received < s.written);
    if (short.length === 0) continue;
    const lines = short.reduce((sum, s) => sum + s.written - s.received, 0);
    parts.push(`${formatCount(lines)} from ${formatCount(short.length)} ${what}`);
  }
  return parts.join(', ');
}

export default defineChecks({
  'nothing-retained': async (t) => {
    const first = await round(t);
    const before = t.service.caps.gc && t.service.caps.memoryUsage ? await t.service.measure({ gc: true }) : null;
    const second = await round(t);
    const after = before ? await t.service.measure({ gc: true }) : null;

    const kept = [first.ledger, second.ledger].map((l) => l.linesWritten - l.linesUploaded);
    const growth = before && after ? after.heapUsed - before.heapUsed : null;
    if (kept.some((n) => n > 0)) {
      const missing =
        `After ${HOURS_PER_ROUND} simulated hours of traffic and a pause, ${formatCount(kept[1])} log lines ` +
        `never reached the file service (${missingByKind(second.ledger)})`;
      const where =
        growth === null
          ? 'They are still held by the service or were thrown away.'
          : growth > FLAT_HEAP_BYTES
            ? `The heap after a full GC grew by ${formatBytes(growth)} from one round to the next: they are still in memory.`
            : `The heap after a full GC stayed flat (${formatBytes(growth)}), so they were thrown away rather than kept.`;
      return { passed: false, message: `${missing}. ${where}` };
    }
    if (growth !== null) {
      if (growth > FLAT_HEAP_BYTES) {
        return {
          passed: false,
          message:
            `Every line was uploaded, but the heap after a full GC grew by ${formatBytes(growth)} from one ` +
            `round of ${HOURS_PER_ROUND} simulated hours to the next: something still keeps the lines.`,
        };
      }
      return {
        passed: true,
        message:
          `After two rounds of ${HOURS_PER_ROUND} simulated hours, every one of ` +
          `${formatCount(first.ledger.linesWritten + second.ledger.linesWritten)} lines left the service, ` +
          `and the heap after GC changed by ${formatBytes(growth)} between rounds.`,
      };
    }
    return {
      passed: true,
      message:
        `Every one of ${formatCount(first.ledger.linesWritten + second.ledger.linesWritten)} lines left the ` +
        'service (this runtime cannot force a GC, so the heap was not compared).',
    };
  },

  'every-log-delivered': async (t) => {
    const { traffic, ledger } = await round(t);
    if (traffic.problems.length > 0) {
      return {
        passed: false,
        message: `The service stopped doing its job: ${traffic.problems.slice(0, 3).join('; ')}.`,
      };
    }
    const problems: string[] = [];
    if (ledger.mixedUploads > 0)
      problems.push(`${formatCount(ledger.mixedUploads)} uploads mixed the lines of different requests`);
    const lost = ledger.subjects.filter((s) => s.received < s.written);
    if (lost.length > 0) {
      const s = lost[0];
      problems.push(
        `${formatCount(lost.length)} requests or report runs are missing lines in the file service ` +
          `(${missingByKind(ledger)}); for example ${s.subject} logged ${s.written} lines and ${s.received} arrived`,
      );
    }
    const garbled = ledger.subjects.filter((s) => s.received >= s.written && !s.intact);
    if (garbled.length > 0) {
      problems.push(
        `${garbled[0].subject} and ${formatCount(garbled.length - 1)} others arrived duplicated or out of order`,
      );
    }
    const split = ledger.subjects.filter((s) => s.traceIds.length > 1);
    if (split.length > 0)
      problems.push(`${split[0].subject}'s lines were uploaded under ${split[0].traceIds.length} different trace IDs`);
    const misfiled = [...traffic.traceIds].filter(([subject, id]) => {
      const s = ledger.subjects.find((x) => x.subject === subject);
      return s && s.traceIds.length === 1 && s.traceIds[0] !== id;
    });
    if (misfiled.length > 0) {
      problems.push(
        `${misfiled[0][0]}'s lines were uploaded under a trace ID other than the one in its x-trace-id header`,
      );
    }
    if (problems.length > 0) return { passed: false, message: problems.join('. ') + '.' };
    const reports = ledger.subjects.filter((s) => s.subject.startsWith('report-')).length;
    return {
      passed: true,
      message:
        `${formatCount(traffic.requests)} requests (${formatCount(traffic.disconnected)} of them abandoned by their ` +
        `client) and ${formatCount(reports)} report runs: all ${formatCount(ledger.linesWritten)} lines arrived exactly ` +
        `once, in order, under the right trace ID, in ${formatCount(ledger.uploads)} uploads.`,
    };
  },
});
