// The recorded runs the page shows where Go cannot run (labs/<go-lab>/recordings/): every Go lab has one,
// every file it names is a real profile, and what the chapters send the reader to find is in it.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProfileRecording } from '../../contracts/profile-recording.ts';
import { diffProfiles, groupGoroutines, parseProfile, topTable, type ParsedProfile } from '../../src/pprof/index.ts';

const labs = join(import.meta.dirname, '..', '..', 'labs');
const goLabs = readdirSync(labs).filter((id) => {
  try {
    return JSON.parse(readFileSync(join(labs, id, 'lab.json'), 'utf8')).language === 'go';
  } catch {
    return false;
  }
});

async function load(id: string): Promise<{ rec: ProfileRecording; profiles: Map<string, ParsedProfile> }> {
  const dir = join(labs, id, 'recordings');
  const rec = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as ProfileRecording;
  const profiles = new Map<string, ParsedProfile>();
  for (const p of rec.profiles)
    profiles.set(`${p.kind}:${p.label}`, await parseProfile(readFileSync(join(dir, p.file))));
  return { rec, profiles };
}

describe('recorded Go lab profiles', () => {
  it('exist for every Go lab', () => {
    expect(goLabs.sort()).toEqual(['excel-upload-go', 'gzip-preflight-go', 'report-queue-go', 'trace-logs-go']);
  });

  it.each(goLabs)('%s: a baseline and an after profile of each kind, from the starter, all parseable', async (id) => {
    const { rec, profiles } = await load(id);
    expect(rec.labId).toBe(id);
    expect(rec.code).toBe('starter');
    expect(rec.goVersion).toMatch(/^go1\.(2[5-9]|[3-9]\d)/);
    for (const kind of ['heap', 'allocs', 'goroutine'])
      for (const when of ['baseline', /^after /])
        expect(
          [...profiles.keys()].some((k) => k.startsWith(`${kind}:`) && new RegExp(when).test(k.slice(kind.length + 1))),
          `${kind} ${when}`,
        ).toBe(true);
  });

  const after = (m: Map<string, ParsedProfile>, kind: string) =>
    [...m].find(([k]) => k.startsWith(`${kind}:after`))![1];
  const base = (m: Map<string, ParsedProfile>, kind: string) => m.get(`${kind}:baseline`)!;
  const index = (p: ParsedProfile, type: string) => p.sampleTypes.findIndex((t) => t.type === type);

  it('report-queue-go: the goroutine diff shows the flushers parked on the ticker', async () => {
    const { profiles } = await load('report-queue-go');
    const diff = groupGoroutines(diffProfiles(base(profiles, 'goroutine'), after(profiles, 'goroutine')));
    expect(diff.groups[0]!.where?.name).toBe('main.(*MemQueue).scheduleFlush.func1');
    expect(diff.groups[0]!.waiting).toBe('chan receive');
    expect(diff.groups[0]!.count).toBeGreaterThanOrEqual(10);
  });

  it('trace-logs-go: the heap diff grows under the lab’s logging', async () => {
    const { profiles } = await load('trace-logs-go');
    const d = diffProfiles(base(profiles, 'heap'), after(profiles, 'heap'));
    const rows = topTable(d, index(d, 'inuse_space')).rows;
    expect(rows.find((r) => r.name === 'main.Log')?.flat ?? 0).toBeGreaterThan(0);
  });

  it('gzip-preflight-go: preflights allocate compressors (allocs diff)', async () => {
    const { profiles } = await load('gzip-preflight-go');
    const d = diffProfiles(base(profiles, 'allocs'), after(profiles, 'allocs'));
    const rows = topTable(d, index(d, 'alloc_space')).rows;
    expect(rows.find((r) => r.name === 'compress/flate.NewWriter')?.cum ?? 0).toBeGreaterThan(0);
  });

  it('excel-upload-go: during an upload the heap is excelize building rows', async () => {
    const { profiles } = await load('excel-upload-go');
    const during = [...profiles].find(([k]) => k.startsWith('heap:during'))![1];
    const rows = topTable(during, index(during, 'inuse_space')).rows;
    expect(rows.some((r) => r.name.startsWith('github.com/xuri/excelize/v2.') && r.cum > 1024 * 1024)).toBe(true);
  });
});
