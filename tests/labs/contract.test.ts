// The lab contract, for every lab under labs/ on real Node: the starter fails at least one task, the
// solution passes every task, each twice with identical verdicts, and every wrong fix in
// labs/<id>/wrong-fixes/<name>/ fails at least one task. Same library as `npm run lab -- check`.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { labsRoot, loadLab } from '../../engine/load-lab.ts';
import { runLabCheck, type CheckReport } from '../../engine/supervise.ts';

const root = labsRoot();
const labDirs = fs
  .readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'kit')
  .map((d) => d.name)
  // Go labs (solution/ as an overlay, variants/ with variant.json) have their own suite: go-labs.test.ts
  .filter((id) => loadLab(id, root).manifest.language !== 'go')
  .sort();

const verdicts = (r: CheckReport) => r.tasks.map((t) => `${t.id}:${t.passed}`);
const timings: string[] = [];
// two full checks per test on a shared 2-core machine: generous, the checks themselves are bounded
const TWO_CHECKS_MS = 300_000;

function wrongFixes(id: string): Array<{ name: string; files: Record<string, string> }> {
  const dir = path.join(root, id, 'wrong-fixes');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const files: Record<string, string> = {};
      for (const f of fs.readdirSync(path.join(dir, d.name))) files[f] = fs.readFileSync(path.join(dir, d.name, f), 'utf8');
      return { name: d.name, files };
    });
}

it('finds the labs', () => {
  expect(labDirs.length).toBeGreaterThan(0);
});

describe.each(labDirs)('lab %s', (id) => {
  it('has a valid manifest and every listed file in starter/ and solution/', () => {
    const lab = loadLab(id, root);
    expect(lab.manifest.id).toBe(id);
    expect(fs.existsSync(path.join(root, id, 'checks', 'index.ts'))).toBe(true);
    // solution/ is a complete, type-checkable tree; its read-only files must be the starter's own
    for (const f of lab.manifest.files.filter((x) => !x.editable)) {
      const read = (variant: string) => fs.readFileSync(path.join(root, id, variant, f.path), 'utf8');
      expect(read('solution'), `${id}: read-only ${f.path} differs between starter/ and solution/`).toBe(read('starter'));
    }
  });

  it('starter fails at least one task, the same way twice', async () => {
    const a = await runLabCheck({ labId: id, base: 'starter' });
    const b = await runLabCheck({ labId: id, base: 'starter' });
    timings.push(`${id} starter ${a.ms} ms, ${b.ms} ms`);
    expect(a.tasks.length).toBe(loadLab(id, root).manifest.tasks.length);
    expect(a.tasks.some((t) => !t.passed), JSON.stringify(a.tasks)).toBe(true);
    expect(verdicts(b)).toEqual(verdicts(a));
  }, TWO_CHECKS_MS);

  it('solution passes every task, twice', async () => {
    const a = await runLabCheck({ labId: id, base: 'solution' });
    const b = await runLabCheck({ labId: id, base: 'solution' });
    timings.push(`${id} solution ${a.ms} ms, ${b.ms} ms`);
    expect(a.tasks.filter((t) => !t.passed), 'failed tasks').toEqual([]);
    expect(a.passed).toBe(true);
    expect(verdicts(b)).toEqual(verdicts(a));
  }, TWO_CHECKS_MS);

  for (const fix of wrongFixes(id)) {
    it(`wrong fix ${fix.name} fails at least one task`, async () => {
      const lab = loadLab(id, root);
      const editable = new Set(lab.manifest.files.filter((f) => f.editable).map((f) => f.path));
      for (const file of Object.keys(fix.files)) expect(editable.has(file), `${file} is not an editable file`).toBe(true);
      const r = await runLabCheck({ labId: id, base: 'starter', files: fix.files });
      timings.push(`${id} wrong-fix ${fix.name} ${r.ms} ms`);
      expect(r.tasks.some((t) => !t.passed), JSON.stringify(r.tasks)).toBe(true);
    }, TWO_CHECKS_MS);
  }
});

it('reports check timings', () => {
  // visible with --reporter=verbose; the numbers go into the report and the README
  console.log(timings.join('\n'));
});
