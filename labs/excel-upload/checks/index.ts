// Hidden checks for the excel-upload lab: a differential oracle over the upload surface, memory as growth.
//
// The lab's big 10,000-row workbook comes with the fixtures (generated once from its seed); every other
// workbook is built from a seed during the Check (generator/workbooks.ts), with what real files hold
// (empty cells, numbers in text columns, inline and shared strings, duplicate ids, a second worksheet, a
// picture, a header in other capitals, 0, 1, 999, 1,000 and 1,001 rows), unusable rows at seeded places
// (after a batch was staged, in the last row), files that are not workbooks, truncated and malformed
// archives, oversized parts, uploads at once, and a client that gives up halfway. Each answer (status,
// counts, the message's facts) and the store's contents afterwards (GET /records/count, records read
// back by id, the read-only store's checksum) must be what the reference import gives for the same files.
//
// Memory is judged from the kit's own measurements after a full GC (heap in use, live objects, timers
// and handles), as growth from one round of uploads to the next, and against the lab's limits (the heap
// limit in force, the process's resident memory). The numbers the editable code could compute are never
// read; the read-only store's and container's gauges are read for what only they can see (batch sizes,
// staged rows, imports running at once, a spike between two of the kit's samples), and only as those
// files registered them: the kit names the gauges read-only files registered (Measurement.readOnlyGauges).
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  defineChecks,
  formatBytes,
  formatCount,
  readOnlyGauge,
  seeded,
  type CheckContext,
  type HttpResult,
  type Measurement,
  type Rng,
} from '#kit';
import { ANSWER_TIMEOUT_MS, describe, answerText, post, postWithRetry, rawUpload } from './uploads.ts';
import {
  badHeaderUpload,
  badRowUpload,
  LAB_FIXTURES,
  LAB_ROWS,
  LAB_WORKBOOKS,
  labRecords,
  malformedUpload,
  MAX_BATCH,
  notXlsxUploads,
  roomyUpload,
  StoreModel,
  truncatedUploads,
  validUpload,
  type Upload,
} from '../generator/workbooks.ts';
import { COLUMNS, type OrderRecord } from '../generator/rows.ts';
import { readZip } from '../generator/zip.ts';

/** The container's memory limit, as the lab's read-only container.ts states it (a test keeps them equal). */
export const CONTAINER_LIMIT_MB = 200;
/** V8's heap_size_limit is --max-old-space-size plus the young generation (48 MB for a 48 MB old space). */
const YOUNG_GENERATION_MB = 64;

/**
 * Growth bounds after a full GC, from the reference's own rounds on this runtime (Node 22, 2 cores,
 * shared; 5 runs): from one round of valid uploads to the next the heap in use moved by -60 to +90 KB
 * and live objects by -200 to +300; over rounds of refused uploads by -40 to +60 KB. A fix that keeps
 * one batch of 1,000 records per upload grows by about 1 MB per round; one that keeps the last upload's
 * bytes by its size.
 */
const HEAP_GROWTH_PER_ROUND = 384 * 1024;
const EXTERNAL_GROWTH_PER_ROUND = 64 * 1024;
const HANDLE_GROWTH_PER_ROUND = 2;
const MEASURE_TIMEOUT_MS = 8_000;
/** The lab's heap limit (lab.json, beside checks/ in the workspace). */
const LAB_HEAP_LIMIT_MB = (
  JSON.parse(readFileSync(new URL('../lab.json', import.meta.url), 'utf8')) as { heapLimitMb: number }
).heapLimitMb;
const ROUNDS = 3;

type Verdict = { passed: boolean; message: string };
const fail = (message: string): Verdict => ({ passed: false, message });
class Failed extends Error {}
/** Stop the check with a message for the reader (caught in `judged`). */
function stop(message: string): never {
  throw new Failed(message);
}

async function judged(run: () => Promise<string>): Promise<Verdict> {
  try {
    return { passed: true, message: await run() };
  } catch (err) {
    if (err instanceof Failed) return fail(err.message);
    throw err;
  }
}

function lastExit(t: CheckContext): string {
  const e = t.service.exits().at(-1);
  if (!e) return 'the service stopped answering';
  if (e.reason === 'oom') return 'it ran out of heap (the V8 heap limit was reached) and the container restarted it';
  return `it crashed (${e.message.split('\n')[0] || `exit code ${e.code}`}) and the container restarted it`;
}

/** The largest part of a workbook, inflated (as its zip directory declares it). */
function roomySize(body: Buffer): number {
  return Math.max(...readZip(body).map((p) => p.size));
}

/**
 * A gauge of the read-only store or container module, as they registered it themselves (the kit tells
 * which); missing means server.ts stopped creating them with the service's own context.
 */
function gauge(m: Measurement, name: string): number {
  const v = readOnlyGauge(m, name);
  if (v === undefined)
    return stop(
      `the store and the container do not report "${name}" themselves: keep "new RecordStore(ctx)" and "await watchContainer(ctx)" in server.ts, with the ctx the service was given`,
    );
  return v;
}

async function measure(t: CheckContext, label: string, opts: { gc?: boolean } = {}) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Failed(
            `the service did not answer a memory measurement ${label} within ${MEASURE_TIMEOUT_MS / 1000} s (is its event loop blocked?)`,
          ),
        ),
      MEASURE_TIMEOUT_MS,
    );
  });
  try {
    const gc = opts.gc === true && t.service.caps.gc;
    return await Promise.race([t.service.measure({ gc, resources: gc }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The judge's view of one service: its answers against the model, its memory against the limits. */
class Judge {
  readonly model = new StoreModel();
  peakRssMb = 0;
  readonly t: CheckContext;
  readonly rng: Rng;
  constructor(t: CheckContext, rng: Rng) {
    this.t = t;
    this.rng = rng;
  }

  async died(exitsBefore: number, r: HttpResult): Promise<boolean> {
    const { service } = this.t;
    if (service.exits().length > exitsBefore) return true;
    if (r.status !== 0) return false;
    // the connection broke: the exit may be reported a moment after the broken request
    for (let i = 0; i < 20 && service.exits().length === exitsBefore; i++) await sleep(50);
    return service.exits().length > exitsBefore;
  }

  /** Send one upload and judge its answer; a 200 is applied to the model. */
  async upload(up: Upload, send: () => Promise<HttpResult> = () => post(this.t, up.body)): Promise<HttpResult> {
    const exitsBefore = this.t.service.exits().length;
    const r = await send();
    if (await this.died(exitsBefore, r))
      stop(`${up.what} (${formatBytes(up.body.length)}) killed the service: ${lastExit(this.t)}`);
    this.answer(up, r);
    return r;
  }

  answer(up: Upload, r: HttpResult): void {
    const want = up.expect;
    if (want.status === 200) {
      if (r.status !== 200) stop(`${up.what} was answered ${describe(r)}; the reference imports it (200)`);
      const counts = this.model.commit(want.records);
      let body: unknown;
      try {
        body = JSON.parse(r.body.toString('utf8'));
      } catch {
        body = null;
      }
      const got = body as Partial<typeof counts> | null;
      if (!got || got.rows !== counts.rows || got.added !== counts.added || got.updated !== counts.updated)
        stop(
          `${up.what} was answered 200 ${r.body.toString('utf8').slice(0, 120)}; the import's answer is ${JSON.stringify(counts)}`,
        );
      return;
    }
    if (r.status !== want.status)
      stop(
        `${up.what} was answered ${describe(r)}; ${want.status === 413 ? 'a workbook that cannot fit gets 413' : 'bad input gets 400'}`,
      );
    const text = answerText(r);
    if (!want.says.test(text))
      stop(`${up.what} got ${r.status} with "${text.slice(0, 160)}", which does not say ${want.needs}`);
  }

  /** The store as an outside reader sees it, against the model: count, records read back, checksum. */
  async store(when: string, sample = true): Promise<void> {
    const { t, model } = this;
    // No upload is in flight here, so every import must have ended: committed or aborted, nothing staged.
    // A refused import may finish a moment after its answer; give it that moment (up to 2 s).
    let m = await measure(t, when);
    for (let i = 0; i < 40 && (gauge(m, 'staged rows') !== 0 || gauge(m, 'imports running') !== 0); i++) {
      await sleep(50);
      m = await measure(t, when);
    }
    this.peakRssMb = Math.max(this.peakRssMb, m.rss / 2 ** 20);
    const staged = gauge(m, 'staged rows');
    if (staged !== 0)
      stop(`${when}, ${formatCount(staged)} rows are still staged in the store: every import must commit or abort`);
    const open = gauge(m, 'imports running');
    if (open !== 0)
      stop(
        `${when}, ${formatCount(open)} import${open === 1 ? ' is' : 's are'} still open in the store with no upload under way: an import that was refused or abandoned must be aborted`,
      );
    const counted = await t.service.request('/records/count', { timeoutMs: ANSWER_TIMEOUT_MS });
    const n = counted.status === 200 ? (JSON.parse(counted.body.toString('utf8')) as { count?: unknown }).count : null;
    if (n !== model.records.size)
      stop(
        counted.status === 200
          ? `${when}, the store holds ${formatCount(Number(n))} records; the workbooks uploaded so far hold ${formatCount(model.records.size)}`
          : `${when}, GET /records/count was answered ${describe(counted)}`,
      );
    if (gauge(m, 'store checksum') !== model.checksum)
      stop(
        `${when}, the store holds ${formatCount(model.records.size)} records, but their values differ from the workbooks'`,
      );
    if (!sample) return;
    for (const id of model.sampleIds(this.rng)) {
      const r = await t.service.request(`/records/${id}`, { timeoutMs: ANSWER_TIMEOUT_MS });
      const want = model.records.get(id)!;
      const got = r.status === 200 ? (JSON.parse(r.body.toString('utf8')) as Partial<OrderRecord>) : null;
      const wrong = got ? COLUMNS.find((c) => got[c] !== want[c]) : 'id';
      if (wrong)
        stop(
          got
            ? `${when}, record ${id} has ${wrong} ${JSON.stringify(got[wrong])}; the workbook holds ${JSON.stringify(want[wrong])}`
            : `${when}, GET /records/${id} was answered ${describe(r)}; the workbook holds that order`,
        );
    }
    const missing = 10_000_000 + this.rng.int(0, 1000);
    const none = await t.service.request(`/records/${missing}`, { timeoutMs: ANSWER_TIMEOUT_MS });
    if (none.status !== 404) stop(`${when}, GET /records/${missing} (no such order) was answered ${describe(none)}`);
  }

  /** The heap limit in force and the process's resident memory against the container's limits. */
  async limits(when: string): Promise<void> {
    const m = await measure(this.t, when);
    const limit = LAB_HEAP_LIMIT_MB;
    // the kit's own reading where it has one: the container's gauge reads a v8 module lab code can patch
    const heapLimit = m.heapSizeLimit !== undefined ? m.heapSizeLimit / 2 ** 20 : gauge(m, 'heap limit (MB)');
    if (heapLimit > limit + YOUNG_GENERATION_MB)
      stop(
        `the service ran with a ${formatCount(Math.round(heapLimit))} MB heap limit; the container gives it ${limit} MB. Raising the limit moves the crash, it does not remove it`,
      );
    // the container samples RSS often; the kernel's high-water mark (where the kit can read it) misses nothing
    const peak = Math.max(this.peakRssMb, m.rss / 2 ** 20, (m.peakRss ?? 0) / 2 ** 20, gauge(m, 'peak RSS (MB)'));
    this.peakRssMb = peak;
    if (peak > CONTAINER_LIMIT_MB)
      stop(
        `${when}, the process had peaked at ${formatCount(peak)} MB resident, over the container's ${CONTAINER_LIMIT_MB} MB: a real container would have killed it`,
      );
  }
}

interface Sample {
  label: string;
  heap: number;
  /** memory outside the JavaScript heap: Buffers (an upload's bytes), zlib and other native state */
  external: number;
  resources: Record<string, number>;
  afterGc: boolean;
}

async function sample(j: Judge, label: string): Promise<Sample> {
  const m = await measure(j.t, label, { gc: true });
  j.peakRssMb = Math.max(j.peakRssMb, m.rss / 2 ** 20);
  const resources: Record<string, number> = {};
  // the check's own connections come and go; everything else the service holds counts
  for (const [k, n] of Object.entries(m.resources ?? {})) if (!/^TCP(Socket)?Wrap$/.test(k)) resources[k] = n;
  return { label, heap: m.heapUsed, external: m.external, resources, afterGc: m.afterGc };
}

/** Growth over rounds of the same traffic, per round, against the bounds; a message when over. */
function growthProblem(samples: Sample[], traffic: string): string | null {
  const pairs: Array<[Sample, Sample, number]> = [];
  for (let i = 1; i < samples.length; i++) pairs.push([samples[i - 1]!, samples[i]!, 1]);
  pairs.push([samples[0]!, samples.at(-1)!, samples.length - 1]);
  for (const [a, b, rounds] of pairs) {
    if (!a.afterGc || !b.afterGc) continue;
    const heap = (b.heap - a.heap) / rounds;
    if (heap > HEAP_GROWTH_PER_ROUND)
      return `${traffic}, the heap in use after a full GC grew by about ${formatBytes(Math.round(heap))} per round (${a.label}: ${formatBytes(a.heap)}, ${b.label}: ${formatBytes(b.heap)}): something is kept from every upload`;
    const external = (b.external - a.external) / rounds;
    if (external > EXTERNAL_GROWTH_PER_ROUND)
      return `${traffic}, memory outside the JavaScript heap (Buffers, native state) grew by about ${formatBytes(Math.round(external))} per round after a full GC (${a.label}: ${formatBytes(a.external)}, ${b.label}: ${formatBytes(b.external)}): uploads' bytes are kept`;
    const more = Object.entries(b.resources)
      .filter(([k, n]) => (n - (a.resources[k] ?? 0)) / rounds > HANDLE_GROWTH_PER_ROUND)
      .map(([k, n]) => `${n - (a.resources[k] ?? 0)} more ${k}`);
    if (more.length)
      return `${traffic}, the service holds ${more.join(', ')} after ${b.label} than after ${a.label}: timers or handles pile up`;
  }
  return null;
}

const growthText = (s: Sample[]) => s.map((x) => formatBytes(x.heap)).join(', ');

export default defineChecks({
  'import-within-limit': (t) =>
    judged(async () => {
      const j = new Judge(t, seeded('excel-upload/import-within-limit'));
      await j.limits('at start');
      // 1. The lab's big workbook (the incident's second week, generated once with the fixtures: writing
      // 10,000 rows during every Check costs more than the import), its end held back until the first
      // batch reached the store.
      const big = { body: await t.fixture(LAB_WORKBOOKS.weekB.file), records: labRecords(LAB_WORKBOOKS.weekB) };
      const batchesBefore = gauge(await measure(t, 'before the first upload'), 'batches written');
      const cut = Math.floor(big.body.length * 0.75);
      let early = false;
      await j.upload(
        {
          what: `the lab's ${formatCount(LAB_ROWS)}-row workbook`,
          body: big.body,
          expect: { status: 200, records: big.records },
        },
        async () => {
          const r = await rawUpload(t, big.body, {
            cut,
            waitMs: 5_000,
            until: async () => gauge(await measure(t, 'during the upload'), 'batches written') > batchesBefore,
          });
          early = r.early;
          return r.result;
        },
      );
      await j.store(`after the ${formatCount(LAB_ROWS)}-row upload`);
      if (!early)
        stop(
          `the ${formatCount(LAB_ROWS)}-row workbook was imported, but no row reached the store while the last ${formatBytes(big.body.length - cut)} of the upload were still on the way: the import waits for the whole file before it reads a row`,
        );
      const largest = gauge(await measure(t, 'after the first upload'), 'largest batch');
      if (largest > MAX_BATCH)
        stop(
          `the store received a batch of ${formatCount(largest)} rows at once; write at most ${formatCount(MAX_BATCH)} rows per batch`,
        );

      // 2. Varied workbooks at the batch edges, over ids the store holds (it keeps its size): two batches
      // whose ids repeat across the edge, and 1, 999, 1,000 or 1,001 rows.
      const edges = [
        validUpload(j.rng, { rows: 1_100, firstId: 1, idSpan: 1_050 }),
        validUpload(j.rng, { rows: j.rng.pick([1, 999, 1_000, 1_001]), firstId: j.rng.int(1, 8_000) }),
      ];
      for (const up of j.rng.shuffle(edges)) await j.upload(up);
      await j.store('after the workbooks at the batch edges');

      // 3. Rounds of small varied workbooks, memory after each. Four imports a round (what an import
      // leaves behind adds up four times) of about 500 rows and, with the pictures, 140 KB to receive.
      const samples: Sample[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        // the same files every round, so the store holds the same after each one
        const rng = j.rng.fork('round');
        const uploads = [
          validUpload(rng, { rows: 400, firstId: rng.int(1, 9_600), idSpan: 350, picture: 48 * 1024 }),
          validUpload(rng, { rows: 1, firstId: rng.int(1, 10_000), picture: 48 * 1024 }),
          validUpload(rng, { rows: 0, firstId: 1 }),
          validUpload(rng, { rows: rng.int(2, 200), firstId: rng.int(1, 9_700) }),
        ];
        for (const up of rng.shuffle(uploads)) await j.upload(up);
        await j.store(`after round ${round} of varied workbooks`, round === ROUNDS);
        samples.push(await sample(j, `round ${round}`));
      }
      const grew = growthProblem(samples, `over ${ROUNDS} rounds of varied workbooks`);
      if (grew) stop(grew);
      const m = await measure(t, 'at the end');
      if (gauge(m, 'largest batch') > MAX_BATCH)
        stop(
          `the store received a batch of ${formatCount(gauge(m, 'largest batch'))} rows at once; write at most ${formatCount(MAX_BATCH)} rows per batch`,
        );
      await j.limits('by the end');
      return (
        `the ${formatCount(LAB_ROWS)}-row workbook and ${edges.length + ROUNDS * 4} varied ones were imported with the workbooks' values; rows reached the store ` +
        `while ${formatBytes(big.body.length - cut)} of the upload were still to come; batches of at most ${formatCount(gauge(m, 'largest batch'))} rows; ` +
        `heap after GC per round ${growthText(samples)}; peak RSS ${formatCount(Math.max(j.peakRssMb, gauge(m, 'peak RSS (MB)')))} MB of the container's ${CONTAINER_LIMIT_MB} MB`
      );
    }),

  'refuse-what-cannot-fit': (t) =>
    judged(async () => {
      const j = new Judge(t, seeded('excel-upload/refuse-what-cannot-fit'));
      await j.upload(validUpload(j.rng, { rows: 300, firstId: 1 }));
      await j.store('after a valid upload');
      const limit = { says: /\b64\s?(MB|MiB)\b|67[,.\s]?108[,.\s]?864/i, needs: 'the limit (64 MB per part)' };
      const bombs: Upload[] = [
        {
          what: 'a 1.4 MB workbook whose worksheet inflates to 264 MB',
          body: await t.fixture(LAB_FIXTURES.oversized),
          expect: { status: 413, ...limit },
        },
        {
          what: 'a workbook whose shared strings inflate to over 100 MB',
          body: await t.fixture(LAB_FIXTURES.oversizedStrings),
          expect: { status: 413, ...limit },
        },
      ];
      const seen: string[] = [];
      for (const up of bombs) {
        const r = await j.upload(up);
        await j.store(`after ${up.what} was refused`, false);
        seen.push(`"${answerText(r).slice(0, 100)}"`);
      }
      await j.upload(validUpload(j.rng, { rows: 200, firstId: 250 }));
      await j.store('after the refusals and one more valid upload');
      // what fits is still imported: a limit below the task's 64 MB per part refuses real workbooks
      const roomy = roomyUpload(j.rng, { firstId: 400 });
      await j.upload(roomy);
      await j.store(`after ${roomy.what}`);
      await j.limits('after the oversized workbooks');
      return `both oversized workbooks were refused with 413 (${seen.join('; ')}) and nothing of them reached the store; the next upload, and a workbook whose worksheet inflates to ${formatBytes(roomySize(roomy.body))}, were imported`;
    }),

  'bad-input': (t) =>
    judged(async () => {
      const j = new Judge(t, seeded('excel-upload/bad-input'));
      await j.upload(validUpload(j.rng, { rows: 300, firstId: 1 }));
      await j.store('after the valid workbook uploaded before the bad ones');
      const samples: Sample[] = [];
      let refused = 0;
      for (let round = 1; round <= ROUNDS; round++) {
        // the same files every round: memory is compared like with like; the first round adds more kinds
        const rng = j.rng.fork('round');
        const big = validUpload(rng, { rows: 1_200, firstId: 1 });
        const [csv, random, empty] = notXlsxUploads(rng);
        const uploads = [
          csv!,
          empty!,
          truncatedUploads(rng, big.body, 1_200)[0]!,
          badRowUpload(rng, { rows: 1_200, badRow: rng.int(1_002, 1_201) }),
          malformedUpload(big.body),
          badHeaderUpload(rng),
        ];
        if (round === 1) {
          const small = validUpload(j.rng, { rows: 300, firstId: 1 });
          uploads.push(random!, ...truncatedUploads(j.rng, small.body, 300).slice(1));
          uploads.push(badRowUpload(j.rng, { rows: 400, badRow: j.rng.pick([2, j.rng.int(3, 400), 401]) }));
        }
        for (const up of rng.shuffle(uploads)) {
          await j.upload(up);
          await j.store(`after ${up.what} was refused`, false);
          refused++;
        }
        await j.store(`after round ${round} of bad files`, round === ROUNDS);
        samples.push(await sample(j, `round ${round}`));
      }
      const grew = growthProblem(samples, `over ${ROUNDS} rounds of refused files`);
      if (grew) stop(grew);
      await j.upload(validUpload(j.rng, { rows: 100, firstId: 150 }));
      await j.store('after the bad files and one more valid upload');
      return `${refused} bad files (not workbooks, truncated, malformed, unusable rows and headers) were each answered 400 saying what is wrong; the store never changed; heap after GC per round ${growthText(samples)}`;
    }),

  'concurrent-uploads': (t) =>
    judged(async () => {
      const j = new Judge(t, seeded('excel-upload/concurrent-uploads'));
      // 1. Three uploads at once (beyond one at a time), over overlapping ids: the answers and the store
      // must be those of the three imports run one after another, in some order.
      const ups = [1, 801, 1_601].map((firstId) => validUpload(j.rng, { rows: 1_100, firstId }));
      const exitsBefore = t.service.exits().length;
      const results = await Promise.all(ups.map((u) => postWithRetry(t, u.body)));
      for (const [i, { result }] of results.entries()) {
        if (await j.died(exitsBefore, result)) stop(`three uploads at once killed the service: ${lastExit(t)}`);
        if (result.status !== 200)
          stop(
            `of three uploads sent at once, upload ${i + 1} (${ups[i]!.what}) ended with ${describe(result)}${results[i]!.toldToWait ? ` after being told to retry ${results[i]!.toldToWait}×` : ''}`,
          );
      }
      const m = await measure(t, 'after the uploads at once');
      const peak = gauge(m, 'imports running (peak)');
      if (peak > 1)
        stop(`${peak} imports ran at the same time; run one import at a time and let the others wait or retry`);
      const orders = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
      ];
      const bodies = results.map(({ result }) => result.body.toString('utf8'));
      const order = orders.find((o) => {
        const model = new StoreModel();
        return o.every(
          (i) =>
            JSON.stringify(model.commit((ups[i]!.expect as { records: OrderRecord[] }).records)) ===
            normalized(bodies[i]!),
        );
      });
      if (!order)
        stop(
          `three uploads at once were answered ${bodies.map((b) => b.slice(0, 60)).join(', ')}, which no order of three imports one after another gives`,
        );
      for (const i of order) j.model.commit((ups[i]!.expect as { records: OrderRecord[] }).records);
      await j.store('after three uploads at once');

      // 2. A client that gives up halfway: nothing of it stays, and the next upload gets its turn.
      const left = validUpload(j.rng, { rows: 1_100, firstId: 4_000 });
      const gone = await rawUpload(t, left.body, {
        cut: Math.floor(left.body.length * 0.4),
        waitMs: 300,
        abandon: true,
      });
      if (await j.died(exitsBefore, gone.result))
        stop(`a client that gave up halfway killed the service: ${lastExit(t)}`);
      for (let i = 0; i < 40; i++) {
        const now = await measure(t, 'after the abandoned upload');
        if (gauge(now, 'staged rows') === 0 && gauge(now, 'imports running') === 0) break;
        await sleep(50);
      }
      const next = validUpload(j.rng, { rows: 200, firstId: 3_000 });
      const r = await post(t, next.body);
      if (r.status === 0 && !(await j.died(exitsBefore, r)))
        stop(
          `after a client gave up halfway through an upload, the next upload got ${describe(r)}: the abandoned import still holds its turn`,
        );
      j.answer(next, r);
      await j.store('after an abandoned upload and the next one');
      await j.limits('after the uploads at once');
      const waited = results.reduce((n, x) => n + x.toldToWait, 0);
      return `three uploads at once were imported one at a time${waited ? ` (told to retry ${waited}×)` : ''}, with the answers and store of one after another; an abandoned upload left nothing behind and the next one was imported; peak RSS ${formatCount(Math.max(j.peakRssMb, gauge(m, 'peak RSS (MB)')))} MB of ${CONTAINER_LIMIT_MB} MB`;
    }),
});

function normalized(body: string): string {
  try {
    const { rows, added, updated } = JSON.parse(body) as Record<string, unknown>;
    return JSON.stringify({ rows, added, updated });
  } catch {
    return body;
  }
}
