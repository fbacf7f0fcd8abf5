// Every Node lab as the in-page runtime runs it: the build's compiled bundle mounted in a container whose
// Node cannot strip types (the fake runs every process with --no-experimental-strip-types), with the
// reference solution compiled in the page's way. Each starts and serves; the warm-up lab's Check passes
// and its starter's fails, so the compiled kit, scenarios and checks judge exactly as the TypeScript ones.
import { afterEach, describe, expect, it } from 'vitest';
import { checksBundle, runtimeBundle, solutionBundle } from '../../engine/bundle.ts';
import { listLabIds, loadLab } from '../../engine/load-lab.ts';
import type { RuntimeEvent } from '../../contracts/runtime-events.ts';
import type { LabRuntime } from '../../src/runtime/types.ts';
import { createWebContainerRuntime } from '../../src/runtime/webcontainer.ts';
import { createFakeWebContainer } from './fake-webcontainer.ts';

const nodeLabs = listLabIds().filter((id) => loadLab(id).manifest.language !== 'go');

async function siteFor(id: string): Promise<typeof fetch> {
  const body = new Map<string, string>([
    [`/labs/${id}/runtime.json`, JSON.stringify(await runtimeBundle(id))],
    [`/labs/${id}/checks.json`, JSON.stringify(await checksBundle(id))],
  ]);
  return (async (url: string | URL) => {
    const text = body.get(String(url));
    return text === undefined ? new Response('not found', { status: 404 }) : new Response(text);
  }) as typeof fetch;
}

function editableSolution(id: string): Record<string, string> {
  const editable = new Set(
    loadLab(id)
      .manifest.files.filter((f) => f.editable)
      .map((f) => f.path),
  );
  return Object.fromEntries(Object.entries(solutionBundle(id).files).filter(([p]) => editable.has(p)));
}

let runtime: LabRuntime | null = null;
afterEach(async () => {
  await runtime?.dispose();
  runtime = null;
});

async function started(id: string, files: Record<string, string>) {
  const fake = createFakeWebContainer({ noTypeStripping: true });
  const rt = createWebContainerRuntime({ api: fake.api, fetch: await siteFor(id), bootTimeoutMs: 20_000 });
  runtime = rt;
  const events: RuntimeEvent[] = [];
  rt.subscribe((e) => events.push(e));
  const until = async (test: (e: RuntimeEvent) => boolean, what: string, ms: number) => {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
      const hit = events.find(test);
      if (hit) return hit;
    }
    const seen = events.filter((e) => e.type !== 'metrics');
    throw new Error(`${id}: no ${what}; saw ${JSON.stringify(seen).slice(0, 1500)}`);
  };
  await rt.start(id, files);
  await until((e) => e.type === 'ready', 'ready', 60_000);
  return { rt, until };
}

describe('compiled labs in a container without type stripping', () => {
  for (const id of nodeLabs) {
    it(`${id}: the reference solution starts and reports ready`, async () => {
      await started(id, editableSolution(id));
    }, 90_000);
  }

  it('excel-upload: the container builds the workbooks the bundle does not ship, and a scenario uploads them', async () => {
    const bundle = await runtimeBundle('excel-upload');
    expect(Object.keys(bundle.files).filter((p) => p.startsWith('fixtures/'))).toEqual([]);
    const { rt, until } = await started('excel-upload', editableSolution('excel-upload'));
    await rt.send({ cmd: 'scenario', id: 'odd-files' });
    const end = await until(
      (e) => e.type === 'scenario' && (e.phase === 'end' || e.phase === 'error'),
      'scenario end',
      120_000,
    );
    expect(end, JSON.stringify(end)).toMatchObject({ phase: 'end' });
    // the files were built to the byte (the truncated one's length) and answered; the oversized one was
    // refused before it was inflated
    expect((end as { message: string }).message).toMatch(/an oversized workbook: 413/);
    expect((end as { message: string }).message).toMatch(
      /a truncated workbook: 400 the upload ended after 380,164 bytes/,
    );
  }, 240_000);

  it("excel-upload: Check passes the solution, its store's gauges known as read-only in compiled files", async () => {
    const { rt, until } = await started('excel-upload', editableSolution('excel-upload'));
    await rt.send({ cmd: 'check' });
    const end = await until((e) => e.type === 'check' && e.phase === 'end', 'check end', 180_000);
    expect(end, JSON.stringify(end)).toMatchObject({ passed: true });
  }, 240_000);

  it('cache-warmup: Check passes the solution and fails the starter, as with TypeScript', async () => {
    for (const [files, passed] of [
      [editableSolution('cache-warmup'), true],
      [{}, false],
    ] as const) {
      const { rt, until } = await started('cache-warmup', files);
      await rt.send({ cmd: 'check' });
      const end = await until((e) => e.type === 'check' && e.phase === 'end', 'check end', 120_000);
      expect(end, JSON.stringify(end)).toMatchObject({ passed });
      await rt.dispose();
      runtime = null;
    }
  }, 300_000);
});
