import { describe, expect, it } from 'vitest';
import { pageBundle, solutionBundle } from '../../engine/bundle.ts';
import { solutionFiles, starterFiles } from '../../src/lab-ui/bundle.ts';
import { capabilityNotices } from '../../src/lab-ui/notices.ts';
import type { Capabilities } from '../../contracts/lab-protocol.ts';

describe('lab bundles as the page reads them', () => {
  it('reads the built page bundle of the warm-up lab: every manifest file, read-only ones marked', () => {
    const bundle = JSON.parse(JSON.stringify(pageBundle('cache-warmup')));
    const files = starterFiles(bundle.manifest, bundle, '/labs/cache-warmup/lab.json');
    expect(files.map((f) => [f.path, f.editable])).toEqual(
      bundle.manifest.files.map((f: { path: string; editable: boolean }) => [f.path, f.editable]),
    );
    expect(files.find((f) => f.path === 'cache.ts')?.starter).toContain('class ResponseCache');
  });

  it('names the missing file when a bundle is out of date', () => {
    const bundle = JSON.parse(JSON.stringify(pageBundle('cache-warmup')));
    bundle.files = bundle.files.filter((f: { path: string }) => f.path !== 'cache.ts');
    expect(() => starterFiles(bundle.manifest, bundle, '/labs/x/lab.json')).toThrow('lacks the file "cache.ts"');
  });

  it('reads solution texts and rejects a bundle without files', () => {
    const sol = solutionFiles(JSON.parse(JSON.stringify(solutionBundle('cache-warmup'))), 'u');
    expect(sol['cache.ts']).toContain('evict');
    expect(() => solutionFiles({}, '/labs/x/solution.json')).toThrow('has no files');
  });
});

describe('capability notices', () => {
  const full: Capabilities = {
    runtime: 'node',
    nodeVersion: 'v22.23.0',
    memoryUsage: true,
    heapSnapshot: true,
    queryObjects: true,
    gc: true,
    heapLimitMb: 80,
    asyncHooks: true,
    asyncLocalStorage: true,
  };

  it('says nothing on a runtime that can do everything', () => {
    expect(capabilityNotices(full, 'local')).toEqual([]);
  });

  it('explains each missing signal and points WebContainer readers to the local runner', () => {
    const wc = capabilityNotices(
      { ...full, runtime: 'webcontainer', heapSnapshot: false, gc: false, heapLimitMb: null },
      'webcontainer',
    );
    expect(wc).toHaveLength(3);
    expect(wc[0]).toMatch(/cannot take heap snapshots.*local Node runner/);
    expect(wc.every((n) => n.includes('local Node runner'))).toBe(true);
  });
});
