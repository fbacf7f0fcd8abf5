// The runner executes code on the reader's machine. Each hostile or malformed request must be refused
// with the right status and a clear reason, and must leave no workspace and no process behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  api,
  childPids,
  errorOf,
  followEvents,
  labProcessesOf,
  repo,
  request,
  startRunner,
  workspaces,
  type Reply,
  type Runner,
} from './harness.ts';

let r: Runner;

beforeAll(async () => {
  r = await startRunner({ limits: { maxRuns: 1 } });
}, 30_000);

afterAll(async () => {
  await r?.stop();
  // `ps` after these tests: nothing any of their labs started is still running
  if (r) expect(labProcessesOf(r)).toEqual([]);
});

const GOOD_FILE = "import http from 'node:http';\nexport default (() => ({ server: http.createServer() }));\n";

/** Refused, with a reason, and nothing happened on disk or in the process table. */
function expectRefused(reply: Reply, status: number, reason: RegExp): void {
  expect(reply.status, reply.body).toBe(status);
  expect(errorOf(reply)).toMatch(reason);
  expect(workspaces(r)).toEqual([]);
  expect(childPids(r.pid)).toEqual([]);
}

function startRun(body: unknown, headers: Record<string, string> = {}) {
  return api(r, 'POST', '/api/runs', body, headers);
}

describe('the token', () => {
  it('refuses API calls without a token', async () => {
    const reply = await request(r.port, {
      method: 'POST',
      path: '/api/runs',
      headers: { 'Content-Type': 'application/json', Origin: r.origin },
      body: JSON.stringify({ labId: 'probe-lab', files: { 'service.ts': GOOD_FILE } }),
    });
    expectRefused(reply, 401, /missing runner token/i);
  });

  it('refuses a wrong token, including one differing only in its last character', async () => {
    const wrong = r.token.slice(0, -1) + (r.token.endsWith('A') ? 'B' : 'A');
    for (const token of [wrong, 'x', `${r.token}x`]) {
      const reply = await startRun({ labId: 'probe-lab', files: {} }, { Authorization: `Bearer ${token}` });
      expectRefused(reply, 403, /wrong runner token/i);
    }
  });

  it('guards every API route, not only run creation', async () => {
    for (const [method, path] of [
      ['GET', '/api/health'],
      ['GET', '/api/runs/x/events'],
      ['DELETE', '/api/runs/x'],
      ['POST', '/api/runs/x/commands'],
    ]) {
      const reply = await request(r.port, { method, path });
      expect(reply.status, `${method} ${path}`).toBe(401);
    }
  });

  it('is injected into served pages, which are never cached', async () => {
    const page = await request(r.port, { path: '/chapters/toolkit/' });
    expect(page.status).toBe(200);
    expect(page.body).toContain(`<meta name="leakbook-runner" content="${r.token}">`);
    expect(page.headers['cache-control']).toBe('no-store');
  });
});

describe('Origin and Host', () => {
  it('refuses a foreign Origin even with the right token', async () => {
    const reply = await startRun({ labId: 'probe-lab', files: {} }, { Origin: 'https://evil.example' });
    expectRefused(reply, 403, /evil\.example may not use this runner/);
  });

  it('refuses an Origin that only looks like ours (other port, other scheme)', async () => {
    for (const origin of [`http://127.0.0.1:${r.port + 1}`, `https://127.0.0.1:${r.port}`, 'null']) {
      const reply = await startRun({ labId: 'probe-lab', files: {} }, { Origin: origin });
      expectRefused(reply, 403, /may not use this runner/);
    }
  });

  it('refuses a foreign Host header (DNS rebinding) on the API and on pages, without leaking the token', async () => {
    const apiReply = await request(r.port, {
      method: 'POST',
      path: '/api/runs',
      host: `rebind.evil.example:${r.port}`,
      headers: { Authorization: `Bearer ${r.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ labId: 'probe-lab', files: {} }),
    });
    expectRefused(apiReply, 421, /only answers to http:\/\/127\.0\.0\.1/);
    const page = await request(r.port, { path: '/', host: `rebind.evil.example:${r.port}` });
    expect(page.status).toBe(421);
    expect(page.body).not.toContain(r.token);
  });

  it('accepts localhost:<port> as its own host', async () => {
    const reply = await request(r.port, {
      path: '/api/health',
      host: `localhost:${r.port}`,
      headers: { Authorization: `Bearer ${r.token}`, Origin: `http://localhost:${r.port}` },
    });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: true, runs: 0 });
  });
});

describe('files sent for a run', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['../escape.ts', 400, /climbs out of the lab folder/],
    ['../../../../tmp/escape.ts', 400, /climbs out of the lab folder/],
    ['app/../../escape.ts', 400, /climbs out of the lab folder/],
    ['/etc/passwd', 400, /is absolute/],
    ['C:/Windows/evil.ts', 400, /is absolute/],
    ['..\\escape.ts', 400, /backslashes/],
    ['./service.ts', 400, /"\." segments/],
    ['greeting.ts', 403, /not one of this lab's editable files/],
    ['kit/supervisor.ts', 403, /not one of this lab's editable files/],
  ];
  for (const [path, status, reason] of cases) {
    it(`refuses ${JSON.stringify(path)}`, async () => {
      const reply = await startRun({
        labId: 'probe-lab',
        files: { 'service.ts': GOOD_FILE, [path]: 'console.log("pwned")' },
      });
      expectRefused(reply, status, reason);
    });
  }

  it('refuses lab ids that are paths, and labs that do not exist', async () => {
    expectRefused(await startRun({ labId: '../labs/probe-lab', files: {} }), 400, /labId must be a lab id/);
    expectRefused(await startRun({ labId: 'kit/..', files: {} }), 400, /labId must be a lab id/);
    expectRefused(await startRun({ labId: 'no-such-lab', files: {} }), 404, /There is no lab "no-such-lab"/);
  });

  it('refuses non-text file contents and malformed bodies', async () => {
    expectRefused(await startRun({ labId: 'probe-lab', files: { 'service.ts': 42 } }), 400, /must be sent as text/);
    expectRefused(await startRun({ labId: 'probe-lab', files: ['service.ts'] }), 400, /files must be an object/);
    const notJson = await request(r.port, {
      method: 'POST',
      path: '/api/runs',
      headers: { Authorization: `Bearer ${r.token}`, 'Content-Type': 'application/json' },
      body: '{"labId": "probe-lab", ',
    });
    expectRefused(notJson, 400, /not valid JSON/);
    const wrongType = await request(r.port, {
      method: 'POST',
      path: '/api/runs',
      headers: { Authorization: `Bearer ${r.token}`, 'Content-Type': 'text/plain' },
      body: '{}',
    });
    expectRefused(wrongType, 415, /application\/json/);
  });

  it('refuses an oversize upload (over 1 MB) before buffering it', async () => {
    const big = 'x'.repeat(1_200_000);
    const reply = await startRun({ labId: 'probe-lab', files: { 'service.ts': big } });
    expectRefused(reply, 413, /too large: the limit is 1 MB/);
  });

  it('refuses an oversize upload that does not declare its length (chunked)', async () => {
    const reply = await request(r.port, {
      method: 'POST',
      path: '/api/runs',
      headers: {
        Authorization: `Bearer ${r.token}`,
        'Content-Type': 'application/json',
        'Transfer-Encoding': 'chunked',
      },
      body: JSON.stringify({ labId: 'probe-lab', files: { 'service.ts': 'y'.repeat(1_100_000) } }),
    });
    expectRefused(reply, 413, /too large/);
  });
});

describe('pages', () => {
  it('serves files with their MIME type and COOP/COEP, and a 404 page for the rest', async () => {
    const js = await request(r.port, { path: '/_astro/app.abc123.js' });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(js.headers['cross-origin-embedder-policy']).toBe('require-corp');
    const missing = await request(r.port, { path: '/chapters/nowhere/' });
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('lost');
    const noSlash = await request(r.port, { path: '/chapters/toolkit' });
    expect(noSlash.status).toBe(308);
    expect(noSlash.headers.location).toBe('/chapters/toolkit/');
  });

  it('may be framed by no other site: frame-ancestors and X-Frame-Options on every response', async () => {
    for (const path of [
      '/',
      '/chapters/toolkit/',
      '/chapters/nowhere/',
      '/_astro/app.abc123.js',
      '/chapters/toolkit',
    ]) {
      const reply = await request(r.port, { path });
      expect(reply.headers['content-security-policy'], path).toBe("frame-ancestors 'self'");
      expect(reply.headers['x-frame-options'], path).toBe('SAMEORIGIN');
    }
    const apiReply = await api(r, 'GET', '/api/health');
    expect(apiReply.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('gives no page carrying the token to a request from another site', async () => {
    const foreign: Array<[Record<string, string>, RegExp]> = [
      [{ Origin: 'https://evil.example' }, /requested by https:\/\/evil\.example/],
      [{ Origin: `http://127.0.0.1:${r.port + 1}` }, /requested by http:\/\/127\.0\.0\.1/],
      [{ 'Sec-Fetch-Site': 'cross-site' }, /requested by another site/],
      [{ 'Sec-Fetch-Site': 'same-site' }, /requested by another site/],
    ];
    for (const path of ['/', '/chapters/toolkit/', '/chapters/nowhere/']) {
      for (const [headers, why] of foreign) {
        const reply = await request(r.port, { path, headers });
        expect(reply.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
        expect(reply.body).not.toContain(r.token);
        expect(reply.body).not.toContain('leakbook-runner');
        expect(reply.body).toMatch(why);
        // and it says where to open the page instead
        expect(reply.body).toContain(`href="${path}"`);
        expect(reply.headers['cache-control']).toBe('no-store');
      }
    }
    // the runner's own pages, typed in or followed from its own pages, still get it
    const own: Array<Record<string, string>> = [
      {},
      { 'Sec-Fetch-Site': 'none' },
      { 'Sec-Fetch-Site': 'same-origin', Origin: r.origin },
    ];
    for (const headers of own) {
      const reply = await request(r.port, { path: '/chapters/toolkit/', headers });
      expect(reply.status, JSON.stringify(headers)).toBe(200);
      expect(reply.body).toContain(r.token);
    }
  });

  it('does not serve files outside the site folder', async () => {
    for (const path of [
      '/../../package.json',
      '/%2e%2e/%2e%2e/package.json',
      '/..%2f..%2fpackage.json',
      '/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd',
    ]) {
      const reply = await request(r.port, { path });
      expect([400, 404], path).toContain(reply.status);
      expect(reply.body).not.toContain('"name": "leakbook"');
      expect(reply.body).not.toContain('root:');
    }
  });
});

describe('limits', () => {
  it('runs at most the configured number of labs at once, and reads snapshots and profiles only from the run', async () => {
    const first = await startRun({ labId: 'probe-lab', files: { 'service.ts': GOOD_FILE } });
    expect(first.status, first.body).toBe(201);
    const { runId } = JSON.parse(first.body) as { runId: string };
    try {
      const second = await startRun({ labId: 'probe-lab', files: {} });
      expect(second.status).toBe(429);
      expect(errorOf(second)).toMatch(/1 labs are already running/);
      expect(workspaces(r)).toHaveLength(1);
      expect(childPids(r.pid)).toHaveLength(1);

      for (const path of ['../lab.json', 'snapshots/../../lab.json', '/etc/passwd', 'app/service.ts']) {
        const reply = await api(r, 'GET', `/api/runs/${runId}/snapshots?path=${encodeURIComponent(path)}`);
        expect(reply.status, path).toBe(400);
        expect(errorOf(reply)).toMatch(/only from the run's snapshots folder/);
      }
      const none = await api(
        r,
        'GET',
        `/api/runs/${runId}/snapshots?path=${encodeURIComponent('snapshots/s9.heapsnapshot')}`,
      );
      expect(none.status).toBe(404);
      for (const path of ['../lab.json', 'profiles/../../lab.json', 'snapshots/s1.heapsnapshot', 'app/service.ts']) {
        const reply = await api(r, 'GET', `/api/runs/${runId}/profiles?path=${encodeURIComponent(path)}`);
        expect(reply.status, path).toBe(400);
        expect(errorOf(reply)).toMatch(/only from the run's profiles folder/);
      }
      const noProfile = await api(r, 'GET', `/api/runs/${runId}/profiles?path=profiles%2Fp9-heap-x.pb.gz`);
      expect(noProfile.status).toBe(404);
      for (const cmd of [
        { cmd: 'profile' },
        { cmd: 'profile', kind: 'cpu' },
        { cmd: 'profile', kind: 'heap', label: 7 },
      ]) {
        const reply = await api(r, 'POST', `/api/runs/${runId}/commands`, cmd);
        expect(reply.status, JSON.stringify(cmd)).toBe(400);
      }
      const badCommand = await api(r, 'POST', `/api/runs/${runId}/commands`, { cmd: 'exec', argv: ['rm', '-rf', '/'] });
      expect(badCommand.status).toBe(400);
    } finally {
      await api(r, 'DELETE', `/api/runs/${runId}`);
    }
    expect(workspaces(r)).toEqual([]);
    expect(childPids(r.pid)).toEqual([]);
  }, 30_000);
});

describe('links lab code plants in its workspace', () => {
  it('are never followed: no checks written through a `checks` link, no file read through a link', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'leakbook-link-target-'));
    writeFileSync(join(outside, 'private.txt'), 'not for the runner to touch');
    const code = `import fs from 'node:fs';
import http from 'node:http';
import { defineService } from '#kit';
export default defineService(() => {
  fs.symlinkSync(${JSON.stringify(outside)}, 'checks');
  fs.rmSync('app/service.ts');
  fs.symlinkSync(${JSON.stringify(join(outside, 'private.txt'))}, 'app/service.ts');
  return { server: http.createServer((_q, s) => s.end('hi')) };
});
`;
    const created = await startRun({ labId: 'probe-lab', files: { 'service.ts': code } });
    expect(created.status, created.body).toBe(201);
    const { runId } = JSON.parse(created.body) as { runId: string };
    try {
      const events = followEvents(r, runId);
      await events.waitFor((e) => e.type === 'ready', 30_000, 'ready');
      events.close();
      // The checks were read before the service started; a Check writes nothing into the workspace,
      // so the planted `checks` link has nothing to redirect (the target is checked below).
      const check = await api(r, 'POST', `/api/runs/${runId}/commands`, { cmd: 'check' });
      expect(check.status, check.body).toBe(202);
      const files = await api(r, 'GET', `/api/runs/${runId}/files`);
      expect(files.status).toBe(409);
      expect(files.body).not.toContain('not for the runner to touch');
      expect(errorOf(files)).toMatch(/app\/service\.ts in the lab's workspace is a symbolic link/);
    } finally {
      await api(r, 'DELETE', `/api/runs/${runId}`);
    }
    // the link's target is as it was: nothing written into it, nothing removed from it
    expect(readdirSync(outside)).toEqual(['private.txt']);
    expect(readFileSync(join(outside, 'private.txt'), 'utf8')).toBe('not for the runner to touch');
    expect(workspaces(r)).toEqual([]);
    rmSync(outside, { recursive: true, force: true });
  }, 60_000);
});

describe('listening', () => {
  it('refuses to listen anywhere but loopback', () => {
    const out = spawnSync(process.execPath, ['server/start.ts', '--port', '0', '--host', '0.0.0.0'], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/listens on 127\.0\.0\.1 only/);
    expect(out.stdout).not.toMatch(/Leakbook running/);
  });
});
