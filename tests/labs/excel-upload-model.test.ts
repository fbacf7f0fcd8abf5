// The spreadsheet chapter's memory model must teach what is true: the madvise mode never decides an OOM
// kill, GOGC headroom does, GOMEMLIMIT is soft, streaming and concurrency move the peak.
import { describe, expect, it } from 'vitest';
import { ASSUME, DEFAULTS, simulate, type ModelParams } from '../../src/components/spreadsheet/model.ts';
import { renderModelSvg } from '../../src/components/spreadsheet/render.ts';

const run = (p: Partial<ModelParams>) => simulate({ ...DEFAULTS, ...p });

describe('spreadsheet memory model', () => {
  it('the defaults reproduce the incident: every upload is killed, near twice the live heap', () => {
    const r = run({});
    expect(r.kills).toBe(8);
    expect(r.killTimes).toHaveLength(8);
    expect(r.uploads[0]!.peakHeap).toBeCloseTo(r.uploads[0]!.peakLive * 2);
    expect(r.verdict).toMatch(/OOM-killed/);
  });

  it('the madvise mode changes reported RSS between uploads, never which uploads are killed', () => {
    const grid: Array<Partial<ModelParams>> = [];
    for (const gogc of [25, 50, 100, 200, null])
      for (const memLimitMb of [null, 200, 300, 460, 700])
        for (const containerMb of [256, 512, 768, 1024])
          for (const reader of ['eager', 'streaming'] as const)
            for (const concurrent of [1, 2] as const) grid.push({ gogc, memLimitMb, containerMb, reader, concurrent });
    for (const p of grid) {
      const free = run({ ...p, madvise: 'free' });
      const dontneed = run({ ...p, madvise: 'dontneed' });
      expect(free.kills, JSON.stringify(p)).toBe(dontneed.kills);
    }
    // and it does change the RSS line after a surviving upload
    const free = run({ gogc: 50, madvise: 'free' });
    const dontneed = run({ gogc: 50, madvise: 'dontneed' });
    const after = (r: ReturnType<typeof simulate>) => r.samples.find((s) => s.t === 8)!.rss;
    expect(free.kills).toBe(0);
    expect(after(free)).toBeGreaterThan(after(dontneed) + 100);
  });

  it('GOMEMLIMIT under the container limit keeps the heap below the GOGC goal', () => {
    const r = run({ memLimitMb: 460 });
    expect(r.kills).toBe(0);
    expect(r.uploads[0]!.peakHeap).toBe(460 - ASSUME.runtimeMb);
  });

  it('GOMEMLIMIT below the live heap cannot hold it: the GC thrashes and the heap follows the live data', () => {
    const r = run({ memLimitMb: 200 });
    expect(r.uploads[0]!.thrashing).toBe(true);
    expect(r.uploads[0]!.peakHeap).toBeGreaterThan(200);
    expect(r.verdict).toMatch(/soft/);
  });

  it('streaming survives; two uploads at once raise the peak', () => {
    const one = run({ reader: 'streaming' });
    const two = run({ reader: 'streaming', concurrent: 2 });
    expect(one.kills).toBe(0);
    expect(two.uploads[0]!.peakHeap).toBeGreaterThan(one.uploads[0]!.peakHeap);
    expect(run({ gogc: 50 }).kills).toBe(0);
    expect(run({ gogc: 50, concurrent: 2 }).kills).toBe(8);
  });

  it('draws one kill mark per kill and a labelled limit', () => {
    const r = run({});
    const svg = renderModelSvg(DEFAULTS, r);
    expect(svg.match(/class="mm-kill"/g)).toHaveLength(8);
    expect(svg).toContain('container limit 512 MB');
    expect(renderModelSvg({ ...DEFAULTS, memLimitMb: 460 }, run({ memLimitMb: 460 }))).toContain('GOMEMLIMIT 460 MiB');
  });
});
