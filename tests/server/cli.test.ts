// The lab CLI as authors and CI run it: --json prints only the JSON verdict; exit codes; clear errors.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { makeLabsRoot, manifestFor, SERVER } from '../engine/fixture-labs.ts';

const FAILING_CHECKS = `
import { defineChecks } from '#kit';
export default defineChecks({
  answers: async (t) => {
    const r = await t.service.request('/');
    const body = r.body.toString();
    return { passed: body.startsWith('fixed'), message: 'the service answered "' + body + '"' };
  },
});
`;

const root = makeLabsRoot({
  good: {
    starter: { 'server.ts': SERVER },
    solution: { 'server.ts': SERVER.replace("'ok ' + requests", "'fixed ' + requests") },
    checks: FAILING_CHECKS,
  },
  'bad-manifest': {
    manifest: { ...manifestFor('bad-manifest'), heapLimitMb: 'lots' },
    starter: { 'server.ts': SERVER },
  },
});
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leakbook-cli-dir-'));
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['server/lab-cli.ts', ...args], {
      env: { ...process.env, LEAKBOOK_LABS_DIR: root },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('lab CLI', () => {
  it('check --json prints only the verdict object and exits 1 when a task fails', async () => {
    const r = await cli(['check', 'good', '--json']);
    expect(r.code).toBe(1);
    const parsed = JSON.parse(r.stdout);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(Object.keys(parsed).sort()).toEqual(['lab', 'passed', 'tasks']);
    expect(parsed).toEqual({
      lab: 'good',
      passed: false,
      tasks: [{ id: 'answers', title: 'Answers requests', passed: false, message: 'the service answered "ok 1"' }],
    });
  });

  it('check --solution --json exits 0 when every task passes', async () => {
    const r = await cli(['check', 'good', '--solution', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ lab: 'good', passed: true });
  });

  it('check --dir uses the editable files found in the folder', async () => {
    fs.writeFileSync(path.join(dir, 'server.ts'), SERVER.replace("'ok ' + requests", "'fixed ' + requests"));
    const r = await cli(['check', 'good', '--dir', dir, '--json']);
    expect(r.code).toBe(0);
  });

  it('names an unknown lab, and a bad manifest by file and field, without a stack', async () => {
    const unknown = await cli(['check', 'nope', '--json']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('lab: unknown lab "nope" (labs: bad-manifest, good)');
    const bad = await cli(['check', 'bad-manifest']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('labs/bad-manifest/lab.json: heapLimitMb:');
    expect(bad.stderr).not.toMatch(/^\s+at /m);
  });

  it('lists labs, marking an invalid one', async () => {
    const r = await cli(['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^good\s+Fixture good/m);
    expect(r.stdout).toMatch(/^bad-manifest\s+\(invalid\) labs\/bad-manifest\/lab\.json: heapLimitMb/m);
  });
});
