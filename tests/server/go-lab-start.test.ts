// A Go lab starts from the local runner: the runner gives the supervisor a cleaned environment (no HOME),
// and go finds its module and build caches only if the runner passes them on. Starts the supervisor the
// way the runner does and waits for the Go service to report ready. Skipped, with the reason, without Go.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Duplex } from 'node:stream';
import { VerdictIn } from '../../engine/verdict-in.ts';
import { decodeEvent } from '../../contracts/lab-protocol.ts';
import { labsRoot } from '../../engine/load-lab.ts';
import { createLabStore } from '../../server/lab-store.ts';
import { goOrSkip } from '../go-toolchain.ts';

const go = goOrSkip('a Go lab started the way the local runner starts it');
const parent = mkdtempSync(join(tmpdir(), 'leakbook-go-start-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe.skipIf(!go.version)(`Go lab on the local runner (${go.version ?? `skipped: ${go.skip}`})`, () => {
  const store = createLabStore(labsRoot());

  it('passes only the caches on: no HOME, GOCACHE and GOMODCACHE for a Go lab, neither for a Node lab', async () => {
    const goDir = await store.createWorkspace('gzip-preflight-go', {}, parent);
    const { env } = store.supervisorCommand(goDir);
    expect(env.HOME).toBeUndefined();
    expect(env.GOCACHE).toMatch(/\S/);
    expect(env.GOMODCACHE).toMatch(/\S/);
    const nodeDir = await store.createWorkspace('gzip-preflight', {}, parent);
    expect(store.supervisorCommand(nodeDir).env.GOMODCACHE).toBeUndefined();
  });

  it('builds and starts the Go service in the runner environment', async () => {
    const dir = await store.createWorkspace('gzip-preflight-go', {}, parent);
    const { args, env } = store.supervisorCommand(dir);
    const child = spawn(process.execPath, args, { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    // the supervisor's verdict channel, opened as the runner opens it (it writes the run's secret first)
    new VerdictIn(child.stdio[3] as Duplex, () => {});
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    try {
      const first = await new Promise<{ type: string; message?: string }>((resolve, reject) => {
        let buffered = '';
        child.stdout.on('data', (d) => {
          buffered += d;
          for (const line of buffered.split('\n').slice(0, -1)) {
            const ev = decodeEvent(line);
            if (ev?.type === 'ready' || ev?.type === 'error') resolve(ev as { type: string; message?: string });
          }
          buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
        });
        child.on('exit', (code) => reject(new Error(`the supervisor exited (${code}) before the service was ready`)));
      });
      expect(first, stderr).toMatchObject({ type: 'ready' });
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end(); // the supervisor stops its service and exits when its stdin closes
      child.kill('SIGTERM');
      await exited;
    }
  }, 300_000);
});
