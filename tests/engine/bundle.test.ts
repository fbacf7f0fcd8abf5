// The build-time lab bundles: the page bundle carries no solution and no checks; the runtime bundle is a
// complete workspace without them; checks and solution only in their own bundles.
import { describe, expect, it } from 'vitest';
import { checksBundle, pageBundle, runtimeBundle, solutionBundle } from '../../engine/bundle.ts';
import { listLabIds, loadLab, readLabFiles } from '../../engine/load-lab.ts';

const id = 'cache-warmup';
const lab = loadLab(id);
const solution = readLabFiles(lab, 'solution');
const starter = readLabFiles(lab, 'starter');
// lines that exist only in the solution (the fix itself)
const fixLines = Object.entries(solution).flatMap(([p, text]) =>
  text.split('\n').filter((l) => l.trim().length > 20 && !starter[p].includes(l)),
);

describe('lab bundles', () => {
  it('the page bundle has the manifest and starter files with editable flags, and no fix', () => {
    const b = pageBundle(id);
    expect(b.manifest.id).toBe(id);
    expect(b.files.map((f) => [f.path, f.editable])).toEqual(lab.manifest.files.map((f) => [f.path, f.editable]));
    for (const f of b.files) expect(f.text).toBe(starter[f.path]);
    const text = JSON.stringify(b);
    expect(fixLines.length).toBeGreaterThan(0);
    for (const l of fixLines) expect(text).not.toContain(JSON.stringify(l).slice(1, -1));
    expect(text).not.toContain('defineChecks');
  });

  it('the runtime bundle is a whole workspace (kit, app, scenarios, lab.json) without checks or the fix', async () => {
    const b = await runtimeBundle(id);
    for (const p of [
      'package.json',
      'kit/index.js',
      'kit/supervisor.js',
      'kit/host.js',
      'contracts/lab-protocol.js',
      'app/cache.js',
      'app/server.js',
      'scenarios.js',
      'lab.json',
    ])
      expect(b.files[p], p).toBeDefined();
    expect(Object.keys(b.files).filter((p) => p.startsWith('checks/'))).toEqual([]);
    // compiled at build time: no TypeScript for the container's Node to strip
    expect(Object.keys(b.files).filter((p) => /\.m?ts$/.test(p))).toEqual([]);
    expect(JSON.parse(String(b.files['package.json'])).imports['#kit']).toBe('./kit/index.js');
    expect(String(b.files['app/cache.js'])).toContain('export');
    const text = JSON.stringify(b);
    for (const l of fixLines) expect(text).not.toContain(JSON.stringify(l).slice(1, -1));
  });

  it('checks and solution come only in their own bundles', async () => {
    const checks = await checksBundle(id);
    expect(Object.keys(checks.files)).toContain('index.js');
    expect(String(checks.files['index.js'])).toContain('defineChecks');
    expect(solutionBundle(id).files).toEqual(solution);
  });

  it('no Node lab downloads a runtime bundle over 2 MB: generated fixtures are built in the container', async () => {
    const sizes: Record<string, number> = {};
    for (const lab of listLabIds().filter((l) => loadLab(l).manifest.language !== 'go'))
      sizes[lab] = JSON.stringify(await runtimeBundle(lab)).length;
    for (const [lab, bytes] of Object.entries(sizes)) expect(bytes, lab).toBeLessThanOrEqual(2 * 1024 * 1024);
    // excel-upload ships its generator (and the checks' workbook writer it shares) instead of its workbooks
    const excel = await runtimeBundle('excel-upload');
    expect(Object.keys(excel.files)).toEqual(
      expect.arrayContaining(['generator/generate.js', 'generator/workbooks.js']),
    );
    expect(Object.keys(excel.files).some((p) => p.startsWith('fixtures/'))).toBe(false);
  });
});
