// Nothing a lab starts outlives it: children in their own session, children handed to init, children
// with an empty environment; on Stop, on a check's task teardown, when the runner exits or is killed
// with SIGKILL, and when the CLI exits. Workspaces of a runner that died go at the next start.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  api,
  childPids,
  followEvents,
  labProcessesOf,
  repo,
  startRunner,
  waitUntil,
  workspaces,
  type Runner,
} from './harness.ts';
import { escapingChildren, processesWith, sleepTag } from './leftovers.ts';
import { sweepOrphanWorkspaces } from '../../engine/workspace.ts';

const tags: string[] = [];
const runners: Runner[] = [];

afterAll(async () => {
  for (const r of runners) await r.stop('SIGKILL').catch(() => undefined);
  // `ps` after these tests: no process any of their labs started is still there
  for (const tag of tags) expect(processesWith(tag), `processes with tag ${tag}`).toEqual([]);
  for (const r of runners) expect(labProcessesOf(r)).toEqual([]);
});

function escapingService(tag: string, delayMs = 0, cleanEnv = true): string {
  return `import http from 'node:http';
import { spawn } from 'node:child_process';
import { defineService } from '#kit';
import { GREETING } from './greeting.ts';
export default defineService(() => {
${escapingChildren(tag, cleanEnv)}
  return { server: http.createServer((_req, res) => { setTimeout(() => res.end(GREETING), ${delayMs}); }) };
});
`;
}

async function runner(opts: Parameters<typeof startRunner>[0] = {}): Promise<Runner> {
  const r = await startRunner({ limits: { maxRuns: 2, orphanMs: 60_000 }, ...opts });
  runners.push(r);
  return r;
}

/** Start a run whose service starts the three escaping children; resolves once all three are seen
 * and the supervisor's watch has had time to walk the process table. */
async function startEscapingRun(r: Runner, tag: string, cleanEnv = true) {
  tags.push(tag);
  const code = escapingService(tag, 0, cleanEnv);
  const created = await api(r, 'POST', '/api/runs', { labId: 'probe-lab', files: { 'service.ts': code } });
  expect(created.status, created.body).toBe(201);
  const { runId } = JSON.parse(created.body) as { runId: string };
  const events = followEvents(r, runId);
  await events.waitFor((e) => e.type === 'ready', 30_000, 'ready');
  await waitUntil(() => processesWith(tag).length === (cleanEnv ? 3 : 2), 10_000, 'the children');
  await new Promise((done) => setTimeout(done, 1500));
  return { runId, events };
}

// generous: on a loaded machine the next runner's sweep of a dead one's leftovers can take seconds
const gone = (tag: string, what: string) => waitUntil(() => processesWith(tag).length === 0, 30_000, what);

describe('processes a lab starts', () => {
  it('end on Stop, even in their own session, handed to init, or with an empty environment', async () => {
    const r = await runner();
    const tag = sleepTag();
    const { runId, events } = await startEscapingRun(r, tag);
    expect((await api(r, 'DELETE', `/api/runs/${runId}`)).status).toBe(200);
    events.close();
    await gone(tag, 'the children to end after Stop');
    expect(childPids(r.pid)).toEqual([]);
  }, 60_000);

  it("end with each check task's service, and the reader's service's end with it", async () => {
    const r = await runner();
    const tag = sleepTag();
    const { runId, events } = await startEscapingRun(r, tag);
    const before = processesWith(tag);
    expect((await api(r, 'POST', `/api/runs/${runId}/commands`, { cmd: 'check' })).status).toBe(202);
    await events.waitFor((e) => e.type === 'check' && e.phase === 'end', 60_000, 'the check result');
    // the reader's service is back with its own three children; the check's and the old ones are gone
    const onlyNew = () => {
      const now = processesWith(tag);
      return now.length === 3 && now.every((pid) => !before.includes(pid));
    };
    await waitUntil(onlyNew, 30_000, "only the restarted service's children");
    await new Promise((done) => setTimeout(done, 1500));
    expect(onlyNew()).toBe(true);
    await api(r, 'DELETE', `/api/runs/${runId}`);
    events.close();
    await gone(tag, 'the children to end after Stop');
  }, 120_000);

  it('end when the runner exits (SIGTERM)', async () => {
    const r = await runner();
    const tag = sleepTag();
    await startEscapingRun(r, tag);
    const exited = new Promise((done) => r.child.once('exit', done));
    r.child.kill('SIGTERM');
    await exited;
    await gone(tag, 'the children to end after the runner exited');
  }, 60_000);

  it('end when the runner is killed with SIGKILL, and its workspaces go at the next start', async () => {
    const r = await runner();
    const tag = sleepTag();
    await startEscapingRun(r, tag);
    const supervisors = childPids(r.pid);
    expect(supervisors).toHaveLength(1);
    const ws = workspaces(r);
    expect(ws).toHaveLength(1);
    r.child.kill('SIGKILL');
    // the supervisor sees its parent gone and ends everything it started
    await gone(tag, 'the children to end after the runner was killed');
    expect(existsSync(ws[0])).toBe(true);
    const next = await runner({ tmp: r.tmp });
    expect(existsSync(ws[0]), 'the dead runner\u2019s workspace').toBe(false);
    expect(workspaces(next)).toEqual([]);
  }, 60_000);

  // With the supervisor gone too, only the mark in the environment is left to find them by: a process
  // that clears its environment is out of reach in this one case (the README says so).
  it('end at the next start when the runner and its supervisor were both killed with SIGKILL', async () => {
    const r = await runner();
    const tag = sleepTag();
    await startEscapingRun(r, tag, false);
    const [supervisor] = childPids(r.pid);
    process.kill(r.pid, 'SIGKILL');
    process.kill(supervisor, 'SIGKILL');
    // the service host sees its stdin close and leaves; what the lab started in its own session stays
    await new Promise((done) => setTimeout(done, 1500));
    expect(processesWith(tag).length).toBeGreaterThan(0);
    await runner({ tmp: r.tmp });
    await gone(tag, 'the next runner to end the dead runner\u2019s leftovers');
  }, 60_000);

  it('end when `npm run lab -- check` finishes and when it is killed mid-check', async () => {
    const labs = join(repo, 'tests', 'server', 'fixtures');
    for (const kill of [false, true]) {
      const tag = sleepTag();
      tags.push(tag);
      const dir = mkdtempSync(join(tmpdir(), 'leakbook-cli-test-'));
      writeFileSync(join(dir, 'service.ts'), escapingService(tag, 2500));
      const cli = spawn(process.execPath, ['server/lab-cli.ts', 'check', 'probe-lab', '--dir', dir], {
        cwd: repo,
        env: { PATH: process.env.PATH, LEAKBOOK_LABS_DIR: labs },
        stdio: 'ignore',
      });
      const exited = new Promise((done) => cli.once('exit', done));
      if (kill) {
        await waitUntil(() => processesWith(tag).length === 3, 30_000, 'the check service children');
        cli.kill('SIGKILL');
      }
      await exited;
      await gone(tag, `the children to end after the CLI ${kill ? 'was killed' : 'finished'}`);
      rmSync(dir, { recursive: true, force: true });
      // its workspace: removed by the CLI when it finished; left by the killed one, and removed by the
      // next process that makes a workspace
      const left = () => readdirSync(tmpdir()).filter((n) => n.startsWith(`leakbook-ws-${cli.pid}.`));
      expect(left().length, 'workspaces left').toBe(kill ? 1 : 0);
      if (kill) {
        const orphan = left();
        expect(sweepOrphanWorkspaces()).toEqual(orphan);
        expect(left()).toEqual([]);
      }
    }
  }, 120_000);
});
