// Hidden checks for the Go excel-upload lab, judged from outside: answers to uploads, the store's
// summary (count and checksum of every order's values, against what the workbooks hold), exits of the
// service (OOMKilled when its RSS passes the container limit), the heap in use after GC, and the files
// left in the service's temp folder (read by the supervisor from disk).
import { setTimeout as sleep } from 'node:timers/promises';
import {
  defineChecks,
  formatBytes,
  formatCount,
  goroutines,
  growthPerRound,
  liveHeap,
  settleGoroutines,
  type CheckContext,
  type HttpResult,
} from '#kit';
import { answer, FILES, upload } from '../scenarios.ts';
import { expectedStore } from './rows.ts';
import { CUT_ROW, WORKBOOKS } from './workbooks.ts';

/**
 * Heap in use after GC, per upload, that counts as keeping the upload: the reference stays flat upload
 * after upload (the store's 20,000 hashes); a 20,000-row workbook kept as rows is tens of MB.
 */
const HEAP_PER_UPLOAD = 1024 * 1024;
/** How long (lab time) goroutines an import started get to end after its answer. */
const SETTLE_LAB_MS = 5_000;
/**
 * How long (real time) after the last answer the temp folder gets to be emptied: excelize removes the
 * files it spooled large parts to in f.Close(), which a deferred Close runs right after the answer.
 */
const TEMP_SETTLE_MS = 3_000;

type TempFile = { name: string; bytes: number };

function tempFiles(t: CheckContext): readonly TempFile[] {
  const files = t.service.tempFiles();
  if (!files) throw new Error('the service has no temp folder of its own (is it a Go lab?)');
  return files;
}

/**
 * Files in the service's temp folder that were not there before (`before`, a listing taken at the
 * task's start) and are still there once the folder settles. The reference leaves none.
 */
async function leftInTemp(t: CheckContext, before: readonly TempFile[]): Promise<TempFile[]> {
  const old = new Set(before.map((f) => f.name));
  const deadline = performance.now() + TEMP_SETTLE_MS;
  for (;;) {
    const added = tempFiles(t).filter((f) => !old.has(f.name));
    if (added.length === 0 || performance.now() >= deadline) return added;
    await sleep(50);
  }
}

/** "2 files (56 MB: excelize-123 27.9 MB, excelize-456 27.9 MB)" */
function describeFiles(files: readonly TempFile[]): string {
  const total = files.reduce((n, f) => n + f.bytes, 0);
  const named = files
    .slice(0, 3)
    .map((f) => `${f.name} ${formatBytes(f.bytes)}`)
    .join(', ');
  const more = files.length > 3 ? ` and ${files.length - 3} more` : '';
  return `${formatCount(files.length)} file${files.length === 1 ? '' : 's'} (${formatBytes(total)}: ${named}${more})`;
}

interface Summary {
  count: number;
  checksum: number;
}

async function summary(t: CheckContext): Promise<Summary> {
  const r = await t.service.request('/orders/summary');
  if (r.status !== 200) throw new Error(`GET /orders/summary answered ${r.status || r.error}`);
  return JSON.parse(r.body.toString('utf8')) as Summary;
}

/** Why the service went down, if it did; an upload that got no answer waits for the exit to be seen. */
async function died(t: CheckContext, r?: HttpResult): Promise<string | null> {
  const deadline = performance.now() + 2_000;
  while (r?.status === 0 && t.service.exits().length === 0 && performance.now() < deadline) await sleep(20);
  const exit = t.service.exits().find((e) => e.reason !== 'stopped');
  return exit ? `the service went down: ${exit.message}` : null;
}

const same = (a: Summary, b: Summary) => a.count === b.count && a.checksum === b.checksum;

export default defineChecks({
  'import-within-limit': async (t) => {
    const limit = t.service.caps.memoryLimitMb;
    // both weeks hold order ids 1 to 20,000 and the store keeps one hash per id, so from the first upload
    // on the heap in use after GC has no reason to grow
    const order = [WORKBOOKS.weekA, WORKBOOKS.weekB, WORKBOOKS.weekA];
    const heap: number[] = [];
    const tempBefore = tempFiles(t);
    for (const [i, spec] of order.entries()) {
      const r = await upload(t, await t.fixture(spec.file));
      const down = await died(t, r);
      if (down)
        return {
          passed: false,
          message: `upload ${i + 1} of ${order.length} (${formatCount(spec.rows)} rows): ${down}`,
        };
      if (r.status !== 201)
        return {
          passed: false,
          message: `upload ${i + 1} of ${order.length} (${formatCount(spec.rows)} rows) was answered ${answer(r)}`,
        };
      heap.push(liveHeap(await t.service.measure({ gc: true })));
    }
    const want = expectedStore(order);
    const got = await summary(t);
    if (got.count !== want.count)
      return {
        passed: false,
        message: `the store holds ${formatCount(got.count)} orders; the workbooks hold ${formatCount(want.count)}`,
      };
    if (got.checksum !== want.checksum)
      return {
        passed: false,
        message: `the store holds ${formatCount(got.count)} orders, but their values differ from what the workbooks hold`,
      };
    if (growthPerRound(heap) > HEAP_PER_UPLOAD)
      return {
        passed: false,
        message: `the heap in use after GC grew with the uploads: ${heap.map((n) => formatBytes(n)).join(' → ')}`,
      };
    const left = await leftInTemp(t, tempBefore);
    if (left.length > 0)
      return {
        passed: false,
        message: `the uploads were imported, but the service's temp folder still holds ${describeFiles(left)} written during them: a disk that fills upload after upload`,
      };
    return {
      passed: true,
      message: `${order.length} uploads of ${formatCount(WORKBOOKS.weekA.rows)} rows were imported within the ${limit ?? '?'} MB container limit with the workbooks' values; heap in use after GC ${heap.map((n) => formatBytes(n)).join(', ')}; nothing left in the temp folder`,
    };
  },

  'refuse-what-cannot-fit': async (t) => {
    const before = await summary(t);
    const r = await upload(t, await t.fixture(FILES.oversized));
    const down = await died(t, r);
    if (down) return { passed: false, message: `the oversized workbook (1.4 MB that inflates to 264 MB): ${down}` };
    if (r.status !== 413)
      return {
        passed: false,
        message: `the oversized workbook (1.4 MB that inflates to 264 MB) was answered ${answer(r)} instead of 413`,
      };
    if (!same(before, await summary(t)))
      return { passed: false, message: 'the oversized workbook was refused, but the store changed' };
    return {
      passed: true,
      message: `the oversized workbook was refused: ${answer(r)}; the store is unchanged and the service kept running`,
    };
  },

  'no-half-import': async (t) => {
    const tempBefore = tempFiles(t);
    const first = await upload(t, await t.fixture(WORKBOOKS.small.file));
    if (first.status !== 201)
      return {
        passed: false,
        message: `a valid ${formatCount(WORKBOOKS.small.rows)}-row workbook was answered ${answer(first)}`,
      };
    const want = expectedStore([WORKBOOKS.small]);
    const before = await summary(t);
    if (!same(before, want))
      return {
        passed: false,
        message: `after a valid ${formatCount(WORKBOOKS.small.rows)}-row workbook the store holds ${formatCount(before.count)} orders, not its ${formatCount(want.count)}`,
      };
    const baseline = goroutines(await t.service.measure({ gc: true }));
    const cases: Array<[string, string, RegExp | null]> = [
      [
        FILES.badRow,
        `a workbook whose row ${WORKBOOKS.badRow.badRow} has "quantity" as text`,
        new RegExp(`row ${WORKBOOKS.badRow.badRow}\\b`),
      ],
      [FILES.truncated, 'a truncated workbook', null],
      [
        FILES.sheetCutAtRow,
        `a workbook whose sheet XML ends right after row ${formatCount(CUT_ROW)} (a valid zip)`,
        null,
      ],
      [
        FILES.sheetCutMidRow,
        `a workbook whose sheet XML ends inside row ${formatCount(CUT_ROW + 1)} (a valid zip)`,
        null,
      ],
      [FILES.notXlsx, 'a CSV file named .xlsx', null],
    ];
    for (const [file, what, mentions] of cases) {
      const r = await upload(t, await t.fixture(file));
      const down = await died(t, r);
      if (down) return { passed: false, message: `${what}: ${down}` };
      if (r.status !== 400) return { passed: false, message: `${what} was answered ${answer(r)} instead of 400` };
      if (mentions && !mentions.test(r.body.toString('utf8')))
        return { passed: false, message: `${what} was refused with "${answer(r)}", which does not say which row` };
      const now = await summary(t);
      if (!same(before, now))
        return {
          passed: false,
          message: `${what} was refused, but the store changed: ${formatCount(now.count)} orders instead of ${formatCount(before.count)}, a half import`,
        };
    }
    const left = goroutines(await settleGoroutines(t, baseline, SETTLE_LAB_MS)) - baseline;
    if (left > 0)
      return {
        passed: false,
        message: `the broken files were refused, but ${formatCount(left)} goroutines they started were still running ${SETTLE_LAB_MS / 1000} s later (each holds its upload)`,
      };
    const files = await leftInTemp(t, tempBefore);
    if (files.length > 0)
      return {
        passed: false,
        message: `the broken files were refused, but the service's temp folder still holds ${describeFiles(files)} written while they were read`,
      };
    return {
      passed: true,
      message:
        'a workbook with a bad row, a truncated workbook, two workbooks whose sheet ends early and a CSV were each refused with 400, the store stayed exactly as it was, and no goroutine and no temp file was left behind',
    };
  },
});
