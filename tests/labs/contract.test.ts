// The lab contract, for every lab under labs/ on real Node: the starter fails at least one task, the
// solution passes every task, each twice with identical verdicts, every wrong variant in
// labs/<id>/variants/ fails at least one task and every right one passes them all. Same library as
// `npm run lab -- check`.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { labsRoot, listLabIds, loadLab } from '../../engine/load-lab.ts';
import { runLabCheck, type CheckReport } from '../../engine/supervise.ts';
import { listVariants } from '../../engine/variants.ts';

const root = labsRoot();
// Go labs have their own suite (go-labs.test.ts), which reports itself skipped where Go is missing
const labDirs = listLabIds(root).filter((id) => loadLab(id, root).manifest.language !== 'go');

const verdicts = (r: CheckReport) => r.tasks.map((t) => `${t.id}:${t.passed}`);
const timings: string[] = [];
// two full checks per test on a shared 2-core machine: generous, the checks themselves are bounded
const TWO_CHECKS_MS = 300_000;

it('finds the labs', () => {
  expect(labDirs.length).toBeGreaterThan(0);
});

it('names a real chapter in every lab manifest, Go labs included', () => {
  const slugs = fs.readdirSync('src/content/chapters').map((f) => f.replace(/^\d+-/, '').replace(/\.mdx$/, ''));
  for (const id of listLabIds(root))
    expect(slugs, `labs/${id}/lab.json: chapter`).toContain(loadLab(id, root).manifest.chapter);
});

describe.each(labDirs)('lab %s', (id) => {
  it('has a valid manifest, checks, and valid variants', () => {
    // loadLab refuses a solution/ overlay that holds read-only or unlisted files; listVariants the same for variants
    const lab = loadLab(id, root);
    expect(lab.manifest.id).toBe(id);
    expect(listVariants(lab).every((v) => Object.keys(v.changed).length > 0)).toBe(true);
  });

  it(
    'starter fails at least one task, the same way twice',
    async () => {
      const a = await runLabCheck({ labId: id, base: 'starter' });
      const b = await runLabCheck({ labId: id, base: 'starter' });
      timings.push(`${id} starter ${a.ms} ms, ${b.ms} ms`);
      expect(a.tasks.length).toBe(loadLab(id, root).manifest.tasks.length);
      expect(
        a.tasks.some((t) => !t.passed),
        JSON.stringify(a.tasks),
      ).toBe(true);
      expect(verdicts(b)).toEqual(verdicts(a));
    },
    TWO_CHECKS_MS,
  );

  it(
    'solution passes every task, twice',
    async () => {
      const a = await runLabCheck({ labId: id, base: 'solution' });
      const b = await runLabCheck({ labId: id, base: 'solution' });
      timings.push(`${id} solution ${a.ms} ms, ${b.ms} ms`);
      expect(
        a.tasks.filter((t) => !t.passed),
        'failed tasks',
      ).toEqual([]);
      expect(a.passed).toBe(true);
      expect(verdicts(b)).toEqual(verdicts(a));
    },
    TWO_CHECKS_MS,
  );

  for (const fix of listVariants(loadLab(id, root))) {
    const verdict = fix.kind === 'wrong' ? 'fails at least one task' : 'passes every task';
    it(
      `${fix.kind} variant ${fix.name} ${verdict} (${fix.why})`,
      async () => {
        const r = await runLabCheck({ labId: id, variant: fix.name });
        timings.push(`${id} ${fix.kind} variant ${fix.name} ${r.ms} ms`);
        if (fix.kind === 'wrong')
          expect(
            r.tasks.some((t) => !t.passed),
            JSON.stringify(r.tasks),
          ).toBe(true);
        else
          expect(
            r.tasks.filter((t) => !t.passed),
            'failed tasks',
          ).toEqual([]);
      },
      TWO_CHECKS_MS,
    );
  }
});

it('reports check timings', () => {
  // visible with --reporter=verbose; the numbers go into the report and the README
  console.log(timings.join('\n'));
});
