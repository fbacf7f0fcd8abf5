// The reference behaviour of the orders service, kept here so the checks compute every expectation
// themselves: what the read-only main.ts and work.ts answer to each request, and which lines they log
// for it. The reference logger uploads exactly those lines, in order, once, under the trace ID of the
// response. Nothing here is read from the service's code or gauges.

export const ORDERS = 900_000;
const EXPORT_CHUNKS = 16;
const EXPORT_CHUNK_BYTES = 16 * 1024;
const REPORT_LINES = 4_000;
const FAILING_RUN_EVERY = 4;

/** The same fingerprint as the file service's: FNV-1a per line, chained, so order and repeats count. */
export function chain(hash: number, line: string): number {
  let h = hash ^ 0x9e3779b9;
  for (let i = 0; i < line.length; i++) {
    h ^= line.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function fingerprint(lines: readonly string[], from = 0, to = lines.length): number {
  let h = 0;
  for (let i = from; i < to; i++) h = chain(h, lines[i]!);
  return h;
}

export type Route = { kind: 'order'; n: number } | { kind: 'export'; n: number } | { kind: 'unknown' };

/** Routing as in main.ts: the path must match exactly, any method. */
export function route(path: string): Route {
  const order = /^\/orders\/(\d+)$/.exec(path);
  if (order) return { kind: 'order', n: Number(order[1]) };
  const exp = /^\/export\/(\d+)$/.exec(path);
  if (exp) return { kind: 'export', n: Number(exp[1]) };
  return { kind: 'unknown' };
}

export function subjectOf(r: Route): string | null {
  return r.kind === 'unknown' ? null : `${r.kind}-${r.n}`;
}

export interface ExpectedResponse {
  status: number;
  contentType: string;
  body: string;
}

export function exportBody(n: number): string {
  const row = `${n},order,${'x'.repeat(50)}\n`;
  return row.repeat(Math.ceil(EXPORT_CHUNK_BYTES / row.length)).repeat(EXPORT_CHUNKS);
}

export function expectedResponse(r: Route): ExpectedResponse {
  if (r.kind === 'unknown') return { status: 404, contentType: 'text/plain', body: 'not found' };
  if (r.kind === 'export') return { status: 200, contentType: 'text/csv', body: exportBody(r.n) };
  if (r.n >= ORDERS)
    return { status: 404, contentType: 'application/json', body: JSON.stringify({ error: `no order ${r.n}` }) };
  const order = { id: r.n, items: (r.n % 5) + 1, total: ((r.n * 7919) % 100_000) / 100 };
  return { status: 200, contentType: 'application/json', body: JSON.stringify(order) };
}

/**
 * The lines a request logs. An export ends with "finished" when it was sent whole and with "client
 * disconnected" when the client went away first (or the service shut down under it); `completed` says
 * which, or null when either may have happened.
 */
export function expectedLines(r: Route, completed: boolean | null): string[][] {
  if (r.kind === 'unknown') return [[]];
  const s = `[${r.kind}-${r.n}] `;
  if (r.kind === 'order') {
    if (r.n >= ORDERS) return [[`${s}GET /orders/${r.n} received`, `${s}order ${r.n} not found`, `${s}responded 404`]];
    return [
      [
        `${s}GET /orders/${r.n} received`,
        `${s}loaded order ${r.n} with ${(r.n % 5) + 1} items`,
        `${s}responded 200`,
        `${s}audit record written for order ${r.n}`,
      ],
    ];
  }
  const started = `${s}GET /export/${r.n} started`;
  const finished = [started, `${s}export finished after ${EXPORT_CHUNKS} chunks`];
  const gone = [started, `${s}client disconnected before the export finished`];
  return completed === null ? [finished, gone] : [completed ? finished : gone];
}

/** The lines of report run `run` (1 for the first in a service process); every fourth one fails part-way. */
export function reportLines(run: number): string[] {
  const s = `[report-${run}] `;
  const failsAt = run % FAILING_RUN_EVERY === FAILING_RUN_EVERY - 1 ? 1_000 + run : 0;
  const lines = [`${s}hourly report ${run} started`];
  for (let account = 1; account <= REPORT_LINES; account++) {
    const id = String(account).padStart(5, '0');
    if (account === failsAt) {
      lines.push(`${s}account ${id} is locked by another job: giving up`);
      return lines;
    }
    lines.push(`${s}account ${id} reconciled: balance matches ledger, 0 discrepancies`);
  }
  lines.push(`${s}hourly report ${run} finished`);
  return lines;
}
