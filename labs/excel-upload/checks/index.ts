// Hidden checks for the excel-upload lab. Each task gets a fresh service under the lab's heap limit.
// The portable core is behaviour (answers, the store's contents compared with the workbook generator,
// batch sizes and import counts the read-only store reports); on top, the read-only container module
// reports peak RSS and the heap limit in force, which must stay within the container's.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { defineChecks, formatBytes, formatCount, type CheckContext, type HttpResult, type Measurement } from '#kit';
import { describe, diedSince, EIGHT_UPLOADS, upload, uploadWithRetry, XLSX_TYPE } from '../scenarios.ts';
import { expectedStore, OTHER_FIXTURES, ROWS_PER_FILE, WORKBOOKS } from './rows.ts';

type Verdict = { passed: boolean; message: string };
/** The container's memory limit, as the lab's read-only container.ts states it (a test keeps them equal). */
export const CONTAINER_LIMIT_MB = 384;
const fail = (message: string): Verdict => ({ passed: false, message });

async function labHeapLimitMb(): Promise<number> {
  const lab = JSON.parse(await readFile(new URL('../lab.json', import.meta.url), 'utf8')) as { heapLimitMb: number };
  return lab.heapLimitMb;
}

/** A gauge the read-only store or container module registers; missing means server.ts stopped creating it. */
function gauge(m: Measurement, name: string): number {
  const v = m.gauges[name];
  if (typeof v !== 'number')
    throw new Error(
      `the service does not report "${name}": keep "new RecordStore(ctx)" and "await watchContainer(ctx)" in server.ts`,
    );
  return v;
}

const expected = {
  weekA: expectedStore([WORKBOOKS.weekA]),
  weekB: expectedStore([WORKBOOKS.weekB]),
  small: expectedStore([WORKBOOKS.small]),
};
const expectedFor = (file: string) => (file === WORKBOOKS.weekA.file ? expected.weekA : expected.weekB);

function lastExit(t: CheckContext): string {
  const e = t.service.exits().at(-1);
  if (!e) return 'the service stopped answering';
  if (e.reason === 'oom') return 'it ran out of heap (the V8 heap limit was reached) and the container restarted it';
  return `it crashed (${e.message.split('\n')[0] || `exit code ${e.code}`}) and the container restarted it`;
}

/** Memory limits: the heap limit in force must be the container's, and the process must fit the container. */
async function limitsProblem(t: CheckContext): Promise<string | null> {
  const m = await t.service.measure();
  const limit = await labHeapLimitMb();
  const heapLimit = m.gauges['heap limit (MB)'];
  // V8's heap_size_limit adds the young generation (tens of MB) to --max-old-space-size
  if (typeof heapLimit === 'number' && heapLimit > limit * 1.5)
    return `the service ran with a ${formatCount(heapLimit)} MB heap limit; the container gives it ${limit} MB. Raising the limit moves the crash, it does not remove it`;
  const peakRss = gauge(m, 'peak RSS (MB)');
  if (peakRss > CONTAINER_LIMIT_MB)
    return `the process peaked at ${formatCount(peakRss)} MB resident, over the container's ${CONTAINER_LIMIT_MB} MB: a real container would have been killed`;
  return null;
}

/**
 * POST a workbook but hold back its last quarter until the store has received a batch (or `waitMs`
 * passed), then send the rest. Tells whether rows reached the store while the upload was still arriving.
 */
async function uploadHoldingBackTheEnd(
  t: CheckContext,
  body: Buffer,
  waitMs: number,
): Promise<{ result: HttpResult; early: boolean; heldBack: number }> {
  const cut = Math.floor(body.length * 0.75);
  const url = new URL('/upload', t.service.baseUrl);
  const batchesBefore = gauge(await t.service.measure(), 'batches written');
  return new Promise((resolve) => {
    let early = false;
    let status = 0;
    const headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (aborted: boolean, error?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({
        result: { status, headers, body: Buffer.concat(chunks), aborted, ...(error ? { error } : {}) },
        early,
        heldBack: body.length - cut,
      });
    };
    const timer = setTimeout(() => {
      req.destroy();
      finish(true, 'no answer within 60 s');
    }, 60_000);
    const req = http.request(url, {
      method: 'POST',
      headers: { 'content-type': XLSX_TYPE, 'content-length': String(body.length) },
    });
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      for (const [k, v] of Object.entries(res.headers))
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => finish(false));
      res.on('error', (err) => finish(true, err.message));
    });
    req.on('error', (err) => finish(true, (err as NodeJS.ErrnoException).code ?? err.message));
    t.signal.addEventListener('abort', () => req.destroy(), { once: true });
    req.write(body.subarray(0, cut));
    void (async () => {
      // a bound, not a measurement: a streaming import writes its first batch within moments
      const until = Date.now() + waitMs;
      while (!done && Date.now() < until && t.service.alive()) {
        try {
          if (gauge(await t.service.measure(), 'batches written') > batchesBefore) {
            early = true;
            break;
          }
        } catch {
          break; // the service went away: the answer (or its absence) tells the story
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      if (!done) req.end(body.subarray(cut));
    })();
  });
}

function storeProblem(m: Measurement, want: { count: number; checksum: number }, what: string): string | null {
  const count = gauge(m, 'records');
  if (count !== want.count)
    return `${what} the store holds ${formatCount(count)} records; the workbook has ${formatCount(want.count)}`;
  if (gauge(m, 'store checksum') !== want.checksum)
    return `${what} the store holds ${formatCount(count)} records, but their values differ from the workbook's`;
  return null;
}

export default defineChecks({
  'import-within-limit': async (t) => {
    const problem = await limitsProblem(t);
    if (problem) return fail(problem);
    let early = false;
    let heldBack = 0;
    for (let i = 0; i < 8; i++) {
      const file = EIGHT_UPLOADS[i % 2]!;
      const body = await t.fixture(file);
      const exitsBefore = t.service.exits().length;
      let r: HttpResult;
      // the last upload checks streaming: by then the library is loaded, and a starter never gets here
      if (i === 7) ({ result: r, early, heldBack } = await uploadHoldingBackTheEnd(t, body, 20_000));
      else r = await upload(t.service, body);
      if (await diedSince(t.service, exitsBefore, r))
        return fail(
          `upload ${i + 1} of 8 (${formatCount(ROWS_PER_FILE)} rows, ${formatBytes(body.length)}) killed the service: ${lastExit(t)}`,
        );
      if (r.status !== 200) return fail(`upload ${i + 1} of 8 (${file}) was answered ${describe(r)}`);
      const m = await t.service.measure();
      const wrong = storeProblem(m, expectedFor(file), `after upload ${i + 1} of 8`);
      if (wrong) return fail(wrong);
      const largest = gauge(m, 'largest batch');
      if (largest > 1000)
        return fail(
          `the store received a batch of ${formatCount(largest)} rows at once; write at most 1,000 rows per batch`,
        );
      if (i === 7 && !early)
        return fail(
          `all 8 uploads were imported, but no row reached the store while the last ${formatBytes(heldBack)} of an upload were still on the way: the import waits for the whole file before it reads a row`,
        );
    }
    const after = await limitsProblem(t);
    if (after) return fail(after);
    const m = await t.service.measure();
    return {
      passed: true,
      message:
        `8 of 8 uploads imported with the workbook's values (${formatCount(ROWS_PER_FILE)} rows each); rows reached the store ` +
        `while ${formatBytes(heldBack)} of the upload were still to come; batches of at most ${formatCount(gauge(m, 'largest batch'))} rows; ` +
        `peak heap ${gauge(m, 'peak heap used (MB)')} MB, peak RSS ${gauge(m, 'peak RSS (MB)')} MB of the container's ${CONTAINER_LIMIT_MB} MB`,
    };
  },

  'refuse-what-cannot-fit': async (t) => {
    const body = await t.fixture(OTHER_FIXTURES.oversized);
    const before = await t.service.measure();
    const exitsBefore = t.service.exits().length;
    const r = await upload(t.service, body, 30_000);
    if (await diedSince(t.service, exitsBefore, r))
      return fail(
        `the oversized workbook (${formatBytes(body.length)} that inflates to 264 MB) killed the service: ${lastExit(t)}`,
      );
    if (r.status !== 413)
      return fail(`the oversized workbook was answered ${describe(r)}; a workbook that cannot fit gets 413`);
    const text = r.body.toString('utf8');
    if (!/\b64\s?(MB|MiB)\b|67[,.\s]?108[,.\s]?864/i.test(text))
      return fail(
        `the oversized workbook got 413 with "${text.slice(0, 160)}", which does not name the limit (64 MB per part)`,
      );
    const after = await t.service.measure();
    const written = gauge(after, 'batches written') - gauge(before, 'batches written');
    if (written > 0)
      return fail(
        `the oversized workbook got 413, but only after ${formatCount(written)} batches of its rows had been written: refuse it from the declared size, before inflating`,
      );
    if (
      gauge(after, 'records') !== gauge(before, 'records') ||
      gauge(after, 'store checksum') !== gauge(before, 'store checksum')
    )
      return fail('the oversized workbook got 413 but the store changed');
    const still = await t.service.request('/records/count');
    if (still.status !== 200)
      return fail(`after the refusal the service answers GET /records/count with ${describe(still)}`);
    const limits = await limitsProblem(t);
    if (limits) return fail(limits);
    return {
      passed: true,
      message: `the oversized workbook was refused with 413 ("${text.slice(0, 120)}") before any of its rows were read; the store is unchanged`,
    };
  },

  'bad-input': async (t) => {
    // a small valid workbook first, so "the store is unchanged" has something to keep
    const seed = await t.fixture(WORKBOOKS.small.file);
    const exitsBefore = t.service.exits().length;
    const first = await upload(t.service, seed);
    if (await diedSince(t.service, exitsBefore, first))
      return fail(
        `the valid workbook uploaded before the bad ones (${formatCount(WORKBOOKS.small.rows)} rows) killed the service: ${lastExit(t)}`,
      );
    if (first.status !== 200)
      return fail(`the valid workbook uploaded before the bad ones was answered ${describe(first)}`);
    const base = await t.service.measure();
    const baseProblem = storeProblem(base, expected.small, 'after the valid upload');
    if (baseProblem) return fail(baseProblem);
    const cases = [
      {
        file: OTHER_FIXTURES.notXlsx,
        what: 'a CSV file renamed to .xlsx',
        says: /xlsx|zip|workbook|spreadsheet|excel/i,
        needs: 'that it is not an .xlsx workbook',
      },
      {
        file: OTHER_FIXTURES.truncated,
        what: 'a truncated workbook',
        says: /truncat|incomplete|ended|cut off|corrupt/i,
        needs: 'that the file is truncated or incomplete',
      },
      {
        file: WORKBOOKS.badRow.file,
        what: `a workbook whose row ${formatCount(WORKBOOKS.badRow.badRow!)} has "pcs" in the quantity`,
        says: /30[,.\s]?001/,
        needs: 'which row is wrong',
      },
    ];
    const seen: string[] = [];
    for (const c of cases) {
      const body = await t.fixture(c.file);
      const before = t.service.exits().length;
      const r = await upload(t.service, body, 30_000);
      if (await diedSince(t.service, before, r)) return fail(`${c.what} killed the service: ${lastExit(t)}`);
      if (r.status !== 400) return fail(`${c.what} was answered ${describe(r)}; bad input gets 400`);
      const text = r.body.toString('utf8');
      if (!c.says.test(text))
        return fail(`${c.what} got 400 with "${text.slice(0, 160)}", which does not say ${c.needs}`);
      const m = await t.service.measure();
      const changed = storeProblem(m, expected.small, `after ${c.what} was refused`);
      if (changed)
        return fail(
          `${changed} (it held the valid workbook's ${formatCount(WORKBOOKS.small.rows)} before): no half imports`,
        );
      if (gauge(m, 'staged rows') !== 0)
        return fail(
          `after ${c.what} was refused, ${formatCount(gauge(m, 'staged rows'))} rows are still staged in the store: abort the import`,
        );
      const still = await t.service.request('/records/count');
      if (still.status !== 200)
        return fail(`after ${c.what} the service answers GET /records/count with ${describe(still)}`);
      seen.push(`${c.what}: 400`);
    }
    return { passed: true, message: `${seen.join('; ')}; the store still holds exactly the valid workbook` };
  },

  'concurrent-uploads': async (t) => {
    const bodies = await Promise.all(EIGHT_UPLOADS.map((f) => t.fixture(f)));
    const exitsBefore = t.service.exits().length;
    const results = await Promise.all(bodies.map((b) => uploadWithRetry(t, b)));
    for (const [i, { result }] of results.entries()) {
      if (await diedSince(t.service, exitsBefore, result))
        return fail(`two uploads at once killed the service: ${lastExit(t)}`);
      if (result.status !== 200)
        return fail(`of two uploads sent at once, upload ${i + 1} ended with ${describe(result)}`);
    }
    const m = await t.service.measure();
    const peak = gauge(m, 'imports running (peak)');
    if (peak > 1)
      return fail(
        `both imports ran at the same time (${peak} at once); run one import at a time and let the other wait or retry`,
      );
    // each workbook holds all 40,000 ids, so the store ends as whichever import committed last
    if (storeProblem(m, expected.weekA, '') && storeProblem(m, expected.weekB, ''))
      return fail(
        `after two uploads at once the store holds ${formatCount(gauge(m, 'records'))} records that match neither workbook`,
      );
    const limits = await limitsProblem(t);
    if (limits) return fail(limits);
    const waited = results.reduce((n, r) => n + r.toldToWait, 0);
    return {
      passed: true,
      message: `both uploads were imported, one at a time${waited ? ` (told to retry ${waited}×)` : ''}; peak RSS ${gauge(m, 'peak RSS (MB)')} MB of ${CONTAINER_LIMIT_MB} MB`,
    };
  },
});
