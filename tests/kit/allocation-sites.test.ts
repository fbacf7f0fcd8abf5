// Allocation sites of a Node lab, end to end through the supervisor as the page drives it: the cache
// warm-up starter samples allocations from its start; a heap profile before and after a search storm,
// read as the page reads them and diffed (-base), puts the growth in the lab's own code, where the
// never-evicted responses are made.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LabEvent } from '../../contracts/lab-protocol.ts';
import { spawnSupervisor } from '../../engine/supervise.ts';
import { createWorkspace } from '../../engine/workspace.ts';
import { diffProfiles, formatValue, parseHeapProfile, topTable } from '../../src/pprof/index.ts';

type ProfileEvent = Extract<LabEvent, { type: 'profile' }>;

/**
 * Node's permission model refuses inspector sessions (connect throws ERR_ACCESS_DENIED): a runtime
 * without allocation sampling, as WebContainer or a Node built without the inspector would be.
 */
const NO_INSPECTOR = '--permission --allow-fs-read=* --allow-fs-write=* --allow-child-process --allow-worker';

describe('allocation sites (Node labs)', () => {
  it('captures heap profiles before and after a storm; the diff grows in app/', async () => {
    const ws = await createWorkspace({ labId: 'cache-warmup' });
    const events: LabEvent[] = [];
    const profiles: ProfileEvent[] = [];
    const steps: Array<(send: (cmd: object) => void) => void> = [
      (send) => send({ cmd: 'profile', kind: 'heap', label: 'baseline' }),
      (send) => send({ cmd: 'scenario', id: 'search-storm' }),
      (send) => send({ cmd: 'profile', kind: 'heap', label: 'after storm' }),
      (send) => send({ cmd: 'profile', kind: 'goroutine', label: 'not here' }),
    ];
    let finish!: () => void;
    const done = new Promise<void>((r) => (finish = r));
    const timer = setTimeout(finish, 90_000);
    const sup = spawnSupervisor(ws.dir, {
      onOutput: () => {},
      onEvent: (ev) => {
        if (ev.type === 'metrics') return;
        events.push(ev);
        if (ev.type === 'profile') profiles.push(ev);
        const next =
          ev.type === 'ready' ||
          ev.type === 'profile' ||
          (ev.type === 'scenario' && ev.phase === 'end') ||
          ev.type === 'error';
        if (!next) return;
        const step = steps.shift();
        if (step) step((cmd) => sup.child.stdin!.write(JSON.stringify(cmd) + '\n'));
        else finish();
      },
    });
    await done;
    clearTimeout(timer);
    sup.child.stdin!.end();
    await sup.exited;
    try {
      const ready = events.find((e) => e.type === 'ready');
      expect(ready).toMatchObject({ caps: { runtime: 'node', allocationSampling: true } });
      expect(events.filter((e) => e.type === 'scenario').at(-1)).toMatchObject({ phase: 'end' });
      // a Node service has one kind of profile, and says so
      expect(events.filter((e) => e.type === 'error').map((e) => (e as { message: string }).message)).toEqual([
        'Profile: a Node service has allocation sampling (heap) only',
      ]);
      expect(profiles.map((p) => [p.kind, p.label])).toEqual([
        ['heap', 'baseline'],
        ['heap', 'after storm'],
      ]);
      for (const p of profiles) {
        expect(p.path).toMatch(/^profiles\/p\d+-heap-[\w-]+\.heapprofile$/);
        expect(fs.statSync(path.join(ws.dir, p.path)).size).toBe(p.bytes);
      }
      const [before, after] = profiles.map((p) => parseHeapProfile(fs.readFileSync(path.join(ws.dir, p.path))));
      // the profile is DevTools' format: a call tree and samples
      const raw = JSON.parse(fs.readFileSync(path.join(ws.dir, profiles[1]!.path), 'utf8')) as object;
      expect(Object.keys(raw).sort()).toEqual(['head', 'samples']);
      // frames are named as the reader knows the files
      expect(after!.frames.some((f) => f.file === 'app/server.ts')).toBe(true);
      expect(after!.frames.every((f) => !f.file.startsWith('file:'))).toBe(true);

      const diff = diffProfiles(before!, after!);
      const top = topTable(diff, 0);
      const first = top.rows[0]!;
      const report = top.rows
        .slice(0, 5)
        .map((r) => `${formatValue(r.flat, diff.sampleTypes[0]!, true)} ${r.name} ${r.file}:${r.line}`)
        .join('\n');
      // 400 cached responses of several KB each: megabytes, allocated by the lab's request handler
      expect(first.file, report).toMatch(/^app\//);
      expect(first.flat, report).toBeGreaterThan(1024 * 1024);
      const sum = (p: typeof diff) => p.samples.reduce((n, s) => n + s.values[0]!, 0);
      expect(sum(after!) - sum(before!)).toBeGreaterThan(1024 * 1024);
    } finally {
      ws.dispose();
    }
  });

  it('says so where the runtime has no inspector: caps false, and a capture is refused in words', async () => {
    const ws = await createWorkspace({ labId: 'cache-warmup' });
    const events: LabEvent[] = [];
    let finish!: () => void;
    const done = new Promise<void>((r) => (finish = r));
    const timer = setTimeout(finish, 60_000);
    const sup = spawnSupervisor(ws.dir, {
      env: { NODE_OPTIONS: NO_INSPECTOR, NODE_NO_WARNINGS: '1' },
      onOutput: () => {},
      onEvent: (ev) => {
        if (ev.type === 'metrics') return;
        events.push(ev);
        if (ev.type === 'ready') sup.child.stdin!.write(JSON.stringify({ cmd: 'profile', kind: 'heap' }) + '\n');
        if (ev.type === 'error' || ev.type === 'profile') finish();
      },
    });
    await done;
    clearTimeout(timer);
    sup.child.stdin!.end();
    await sup.exited;
    try {
      expect(events.find((e) => e.type === 'ready')).toMatchObject({
        caps: { runtime: 'node', allocationSampling: false, heapSnapshot: true },
      });
      expect(events.filter((e) => e.type === 'profile')).toEqual([]);
      expect(events.find((e) => e.type === 'error')).toMatchObject({
        message: expect.stringMatching(/^Profile: this runtime has no allocation sampling \(node:inspector\)/),
      });
      expect(fs.existsSync(path.join(ws.dir, 'profiles'))).toBe(false);
    } finally {
      ws.dispose();
    }
  });
});
