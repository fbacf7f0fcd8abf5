// The page's pprof reading (src/pprof) on profiles a real Go program wrote in this test, checked against
// what the program did and against `go tool pprof` itself: top (flat, cum, total), -base diffs with
// negative values, goroutines grouped by stack, and the flame graph's call tree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callTree,
  diffProfiles,
  groupGoroutines,
  parseProfile,
  topTable,
  type ParsedProfile,
} from '../../src/pprof/index.ts';
import { goVersion, makeGoProfiles, parsePprofTop, type GoProfiles } from './go-profiles.ts';

const PAGE = 4096;

describe.skipIf(!goVersion)(`pprof in the page (${goVersion ?? 'skipped: go is not on PATH'})`, () => {
  let go: GoProfiles;
  const parsed = new Map<string, ParsedProfile>();
  const profile = (name: string) => parsed.get(name)!;
  const typeIndex = (p: ParsedProfile, type: string) => p.sampleTypes.findIndex((t) => t.type === type);

  beforeAll(async () => {
    go = makeGoProfiles();
    for (const name of ['heap-1', 'heap-2', 'allocs-2', 'goroutine-1', 'goroutine-2'])
      parsed.set(name, await parseProfile(go.read(`${name}.pb.gz`)));
  }, 300_000);
  afterAll(() => go?.dispose());

  const reference = (args: string[]) =>
    parsePprofTop(go.pprof(['-top', '-nodecount=100000', '-nodefraction=0', '-edgefraction=0', ...args]));

  it('decodes sample types and the default one of each kind', () => {
    expect(profile('heap-2').sampleTypes.map((t) => `${t.type}/${t.unit}`)).toEqual([
      'alloc_objects/count',
      'alloc_space/bytes',
      'inuse_objects/count',
      'inuse_space/bytes',
    ]);
    expect(profile('heap-2').sampleTypes[profile('heap-2').defaultIndex]!.type).toBe('inuse_space');
    expect(profile('allocs-2').sampleTypes[profile('allocs-2').defaultIndex]!.type).toBe('alloc_space');
    expect(profile('goroutine-2').sampleTypes.map((t) => t.type)).toEqual(['goroutine']);
    const frame = profile('heap-2').frames.find((f) => f.name === 'main.retain');
    expect(frame?.file).toMatch(/profgen\/main\.go$|src\/main\.go$/);
  });

  it('top: the retaining function holds what the program kept, with its allocating line', () => {
    const p = profile('heap-2');
    const { rows } = topTable(p, typeIndex(p, 'inuse_space'));
    const retain = rows.find((r) => r.name === 'main.retain')!;
    // 400 pages kept, plus the live backing array of the slice that holds them
    expect(retain.flat).toBeGreaterThanOrEqual(400 * PAGE);
    expect(retain.flat).toBeLessThan(400 * PAGE + 64 * 1024);
    expect(rows[0]!.name).toBe('main.retain');
    expect(retain.line).toBeGreaterThan(0);
    const objects = topTable(p, typeIndex(p, 'inuse_objects')).rows.find((r) => r.name === 'main.retain')!;
    expect(objects.flat).toBeGreaterThanOrEqual(400);
    // churned buffers are gone from inuse, but every one is in alloc_space
    // (the last one is still referenced, with a little runtime bookkeeping: nowhere near the 1,000 KB churned)
    expect(rows.find((r) => r.name === 'main.churn')?.flat ?? 0).toBeLessThan(4096);
    const allocs = profile('allocs-2');
    const churn = topTable(allocs, typeIndex(allocs, 'alloc_space')).rows.find((r) => r.name === 'main.churn')!;
    // every buffer, and less than one buffer more: the runtime sometimes books a small allocation of its own
    // (a GC or preemption record) to the frame it interrupted
    expect(churn.flat).toBeGreaterThanOrEqual(1000 * 1024);
    expect(churn.flat).toBeLessThan(1001 * 1024);
  });

  it.each([
    ['heap-2', 'inuse_space'],
    ['heap-2', 'alloc_objects'],
    ['allocs-2', 'alloc_space'],
    ['goroutine-2', 'goroutine'],
  ])('top of %s (%s) matches go tool pprof -top row for row', (name, type) => {
    const p = profile(name);
    const ours = topTable(p, typeIndex(p, type));
    const ref = reference([
      ...(type.includes('space') ? ['-unit=B'] : []),
      ...(name.startsWith('goroutine') ? [] : [`-sample_index=${type}`]),
      `${name}.pb.gz`,
    ]);
    expect(ours.total).toBe(ref.total);
    expect(ref.rows.size).toBeGreaterThan(3);
    for (const r of ref.rows.values()) {
      const row = ours.rows.find((x) => x.name === r.name);
      expect({ name: r.name, flat: row?.flat, cum: row?.cum }).toEqual({ name: r.name, flat: r.flat, cum: r.cum });
    }
  });

  it('-base diff of heap profiles: growth positive, memory released negative, as go tool pprof -base', () => {
    const base = profile('heap-1');
    const target = profile('heap-2');
    const diff = diffProfiles(base, target);
    const i = typeIndex(diff, 'inuse_space');
    const { rows, total } = topTable(diff, i);
    const retain = rows.find((r) => r.name === 'main.retain')!;
    const hold = rows.find((r) => r.name === 'main.holdTemporarily')!;
    expect(retain.flat).toBeGreaterThanOrEqual(300 * PAGE);
    expect(hold.flat).toBeLessThanOrEqual(-50 * 8192);
    expect(hold.cum).toBe(hold.flat);
    const ref = reference(['-unit=B', '-sample_index=inuse_space', '-base', 'heap-1.pb.gz', 'heap-2.pb.gz']);
    expect(total).toBe(ref.total);
    for (const r of ref.rows.values()) {
      const row = rows.find((x) => x.name === r.name);
      expect({ name: r.name, flat: row?.flat ?? 0, cum: row?.cum ?? 0 }).toEqual({
        name: r.name,
        flat: r.flat,
        cum: r.cum,
      });
    }
  });

  it('refuses to diff profiles of different kinds', () => {
    expect(() => diffProfiles(profile('goroutine-1'), profile('heap-2'))).toThrow(/different things/);
  });

  it('goroutines grouped by stack, with counts and where they wait', () => {
    const before = groupGoroutines(profile('goroutine-1'));
    const after = groupGoroutines(profile('goroutine-2'));
    const onChannel = (g: typeof after) => g.groups.find((x) => x.where?.name === 'main.parkOnChannel');
    expect(onChannel(before)?.count).toBe(3);
    expect(onChannel(after)?.count).toBe(8);
    expect(onChannel(after)?.waiting).toBe('chan receive');
    expect(onChannel(after)?.frames[0]!.name).toBe('runtime.gopark');
    expect(before.groups.find((x) => x.where?.name === 'main.parkInSelect')).toMatchObject({
      count: 2,
      waiting: 'select',
    });
    expect(after.groups.find((x) => x.where?.name === 'main.parkInSelect')).toBeUndefined();
    expect(after.groups[0]!.count).toBe(8);
    expect(after.total).toBe(after.groups.reduce((n, g) => n + g.count, 0));
  });

  it('a goroutine diff shows the stacks that gained goroutines and the ones that lost them', () => {
    const diff = groupGoroutines(diffProfiles(profile('goroutine-1'), profile('goroutine-2')));
    expect(diff.groups.find((g) => g.where?.name === 'main.parkOnChannel')?.count).toBe(5);
    expect(diff.groups.find((g) => g.where?.name === 'main.parkInSelect')?.count).toBe(-2);
    const ref = reference(['-base', 'goroutine-1.pb.gz', 'goroutine-2.pb.gz']);
    expect(ref.rows.get('main.parkOnChannel')?.cum).toBe(5);
    expect(ref.rows.get('main.parkInSelect')?.cum).toBe(-2);
  });

  it('the call tree adds up: each node is its self value plus its children', () => {
    const p = profile('heap-2');
    const i = typeIndex(p, 'inuse_space');
    const root = callTree(p, i);
    expect(root.value).toBe(topTable(p, i).total);
    const check = (n: typeof root) => {
      expect(n.value).toBe(n.self + n.children.reduce((s, c) => s + c.value, 0));
      n.children.forEach(check);
    };
    check(root);
    const path = ['runtime.main', 'main.main', 'main.retain'];
    let node = root;
    for (const name of path) node = node.children.find((c) => c.name === name)!;
    expect(node.self).toBe(topTable(p, i).rows.find((r) => r.name === 'main.retain')!.flat);
    // a diff tree keeps signed values; widths are magnitudes
    const diff = callTree(diffProfiles(profile('heap-1'), p), i);
    const hold = diff.children
      .find((c) => c.name === 'runtime.main')!
      .children.find((c) => c.name === 'main.main')!
      .children.find((c) => c.name === 'main.holdTemporarily')!;
    expect(hold.value).toBeLessThan(0);
    expect(hold.width).toBe(-hold.value);
  });

  it('rejects bytes that are not a profile with a clear message', async () => {
    await expect(parseProfile(new TextEncoder().encode('not a profile'))).rejects.toThrow(/not a pprof profile/);
    await expect(parseProfile(new Uint8Array([0x1f, 0x8b, 1, 2, 3]))).rejects.toThrow(/could not be decompressed/);
  });
});
