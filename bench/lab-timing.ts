// How long labs take as a reader feels them, through the local runner's HTTP API and the CLI: shared by
// the benchmarks. Each function starts real processes and waits for them; nothing is left running.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { readNdjson } from '../src/runtime/ndjson.ts';

const root = resolve(import.meta.dirname, '..');

export interface Runner {
  origin: string;
  token: string;
  stop(): void;
}

/** A local runner on a free port (needs a built site); `env` is added to the runner's environment. */
export async function startRunner(env: Record<string, string> = {}): Promise<Runner> {
  const child = spawn(process.execPath, [join(root, 'server', 'start.ts'), '--port', '0'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const origin = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) ok(m[1]);
    });
    child.on('exit', () => fail(new Error(`runner exited: ${out}`)));
  });
  const html = await (await fetch(`${origin}/chapters/toolkit/`)).text();
  const token = /name="leakbook-runner" content="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('the runner did not inject its token into the page');
  return { origin, token, stop: () => child.kill('SIGTERM') };
}

/** ms from the start request to the lab's service reporting ready; the run is stopped afterwards. */
export async function timeToReady(runner: { origin: string; token: string }, labId: string): Promise<number> {
  const headers = {
    authorization: `Bearer ${runner.token}`,
    'content-type': 'application/json',
    origin: runner.origin,
  };
  const t0 = performance.now();
  const created = await fetch(`${runner.origin}/api/runs`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ labId, files: {} }),
  });
  if (created.status !== 201) throw new Error(`start ${labId}: ${created.status} ${await created.text()}`);
  const { runId } = (await created.json()) as { runId: string };
  // the page's own reader of the event stream (blank keep-alive lines included), stopped at ready
  const stop = new AbortController();
  const events = await fetch(`${runner.origin}/api/runs/${runId}/events`, { headers, signal: stop.signal });
  let elapsed = -1;
  let failure: Error | null = null;
  await readNdjson<{ type: string; message?: string }>(events.body!, (ev) => {
    if (elapsed >= 0 || failure) return;
    if (ev.type === 'ready') elapsed = performance.now() - t0;
    else if (ev.type === 'error') failure = new Error(`${labId}: ${ev.message}`);
    else return;
    stop.abort();
  }).catch((err: unknown) => {
    if (!stop.signal.aborted) throw err;
  });
  if (failure) throw failure;
  if (elapsed < 0) throw new Error(`${labId}: event stream ended before the service was ready`);
  await fetch(`${runner.origin}/api/runs/${runId}`, { method: 'DELETE', headers });
  return elapsed;
}

/** A full Check of the starter or the solution through the CLI: its wall-clock time and verdict. */
export function timeCheck(labId: string, base: 'starter' | 'solution'): Promise<{ ms: number; passed: boolean }> {
  const t0 = performance.now();
  const args = [
    join(root, 'server', 'lab-cli.ts'),
    'check',
    labId,
    '--json',
    ...(base === 'solution' ? ['--solution'] : []),
  ];
  return new Promise((ok) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    child.on('exit', (code) => ok({ ms: performance.now() - t0, passed: code === 0 }));
  });
}
