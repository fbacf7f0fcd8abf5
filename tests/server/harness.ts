// Starts the real runner (node server/start.ts --port 0) in a private temp dir, with its own tiny
// site and a labs folder holding the kit and the probe lab, and talks to it over raw HTTP so tests
// can send any Host, Origin or body they like.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuntimeEvent } from '../../contracts/runtime-events.ts';
import { findMarked } from '../../kit/lab-processes.ts';

export const repo = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const node = process.execPath;

export interface Runner {
  port: number;
  origin: string;
  token: string;
  child: ChildProcess;
  pid: number;
  /** TMPDIR of the runner: every workspace it makes lands below here */
  tmp: string;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function makeSite(dir: string): void {
  mkdirSync(join(dir, 'chapters', 'toolkit'), { recursive: true });
  mkdirSync(join(dir, '_astro'), { recursive: true });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><title>Leakbook</title></head><body>home</body></html>',
  );
  writeFileSync(
    join(dir, 'chapters', 'toolkit', 'index.html'),
    '<!doctype html><html lang="en"><head><title>Toolkit</title></head><body>toolkit</body></html>',
  );
  writeFileSync(
    join(dir, '404.html'),
    '<!doctype html><html><head><title>Not found</title></head><body>lost</body></html>',
  );
  writeFileSync(join(dir, '_astro', 'app.abc123.js'), 'console.log(1);\n');
}

function makeLabs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  cpSync(join(repo, 'tests', 'server', 'fixtures', 'probe-lab'), join(dir, 'probe-lab'), { recursive: true });
}

export async function startRunner(
  opts: {
    limits?: Record<string, number>;
    args?: string[];
    /** reuse the folder of an earlier runner */ tmp?: string;
  } = {},
): Promise<Runner> {
  const tmp = opts.tmp ? resolve(opts.tmp, '..') : mkdtempSync(join(tmpdir(), 'leakbook-runner-test-'));
  const site = join(tmp, 'dist');
  const labs = join(tmp, 'labs');
  const runTmp = join(tmp, 'tmp');
  mkdirSync(runTmp, { recursive: true });
  makeSite(site);
  makeLabs(labs);
  const child = spawn(node, ['server/start.ts', '--port', '0', '--dist', site, '--labs', labs, ...(opts.args ?? [])], {
    cwd: repo,
    env: {
      PATH: process.env.PATH,
      TMPDIR: runTmp,
      ...(opts.limits ? { LEAKBOOK_RUNNER_LIMITS: JSON.stringify(opts.limits) } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const port = await new Promise<number>((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`runner did not start: ${stderr}`)), 15_000);
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /^Leakbook running at http:\/\/127\.0\.0\.1:(\d+)\/$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        done(Number(m[1]));
      }
    });
    child.once('exit', (code) => fail(new Error(`runner exited (${code}): ${stderr}`)));
  });
  const origin = `http://127.0.0.1:${port}`;
  const page = await request(port, { path: '/' });
  const token = /<meta name="leakbook-runner" content="([^"]+)">/.exec(page.body)?.[1];
  if (!token) throw new Error('no runner token in the served page');
  return {
    port,
    origin,
    token,
    child,
    pid: child.pid!,
    tmp: runTmp,
    stderr: () => stderr,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill(signal);
        await gone;
      }
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

export interface RequestOptions {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Host header to send (default 127.0.0.1:<port>) */
  host?: string;
}

/** Raw HTTP: unlike fetch, lets a test send any Host header and see exactly what comes back. */
export function request(port: number, opts: RequestOptions): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: { Host: opts.host ?? `127.0.0.1:${port}`, ...opts.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** An authorised API call with the runner's own Origin. */
export function api(
  r: Runner,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return request(r.port, {
    method,
    path,
    headers: {
      Authorization: `Bearer ${r.token}`,
      Origin: r.origin,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export function errorOf(reply: Reply): string {
  try {
    return (JSON.parse(reply.body) as { error: string }).error;
  } catch {
    return reply.body;
  }
}

/** Workspaces the runner has made so far (below <TMPDIR>/leakbook-runs-*). */
export function workspaces(r: Runner): string[] {
  const out: string[] = [];
  for (const root of readdirSync(r.tmp)) {
    const dir = join(r.tmp, root);
    for (const ws of readdirSync(dir)) if (!ws.startsWith('.')) out.push(join(dir, ws));
  }
  return out;
}

/** Direct children of a process (ps), e.g. the supervisors the runner spawned. */
export function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when nothing matches
  }
}

/** Every process in a process group (a run's supervisor, its service host, and their children). */
export function groupPids(pgid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '-g', String(pgid)], { encoding: 'utf8' })
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

/** Living processes that any lab of this runner started (they carry its mark): `ps` for leftovers. */
export function labProcessesOf(r: Runner): number[] {
  return findMarked((mark) => mark.startsWith(`${r.pid}.`)).map((p) => p.pid);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Follows a run's NDJSON event stream, collecting events; waitFor resolves on the first match. */
export function followEvents(r: Runner, runId: string) {
  const events: RuntimeEvent[] = [];
  const waiters: Array<{ test: (e: RuntimeEvent) => boolean; done: (e: RuntimeEvent) => void }> = [];
  let close: () => void = () => {};
  const opened = new Promise<number>((ready, fail) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: r.port,
        path: `/api/runs/${runId}/events`,
        headers: { Host: `127.0.0.1:${r.port}`, Authorization: `Bearer ${r.token}` },
      },
      (res) => {
        ready(res.statusCode ?? 0);
        let pending = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          pending += chunk;
          let nl: number;
          while ((nl = pending.indexOf('\n')) !== -1) {
            const line = pending.slice(0, nl);
            pending = pending.slice(nl + 1);
            if (!line.trim()) continue;
            const event = JSON.parse(line) as RuntimeEvent;
            events.push(event);
            for (const w of [...waiters])
              if (w.test(event)) {
                waiters.splice(waiters.indexOf(w), 1);
                w.done(event);
              }
          }
        });
        res.on('error', () => undefined);
      },
    );
    req.on('error', (err) => fail(err));
    req.end();
    close = () => req.destroy();
  });
  return {
    events,
    opened,
    close: () => close(),
    waitFor(test: (e: RuntimeEvent) => boolean, timeoutMs = 20_000, what = 'event'): Promise<RuntimeEvent> {
      const seen = events.find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((done, fail) => {
        const timer = setTimeout(
          () =>
            fail(
              new Error(
                `no ${what} within ${timeoutMs} ms; got: ${JSON.stringify(events.filter((e) => e.type !== 'metrics')).slice(0, 2000)}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({ test, done: (e) => (clearTimeout(timer), done(e)) });
      });
    },
  };
}

export async function waitUntil(test: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
