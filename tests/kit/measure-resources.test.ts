// measure({ resources: true }) counts the service's live timers and handles by kind, taken with the
// function the kit captured before lab code loaded: a lab that replaces process.getActiveResourcesInfo
// to hide its timers is still counted.
import fs from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { runLabCheck } from '../../engine/supervise.ts';
import { makeLabsRoot, manifestFor } from '../engine/fixture-labs.ts';

const TIMERS_SERVER = `
import http from 'node:http';
import { defineService } from '#kit';
const timers: NodeJS.Timeout[] = [];
// a lab that lies about its resources: the kit must not believe it
process.getActiveResourcesInfo = () => [];
export default defineService(() => ({
  server: http.createServer((req, res) => {
    timers.push(setInterval(() => {}, 60_000));
    res.end('ok');
  }),
}));
`;

const CHECKS = `
import { defineChecks } from '#kit';
export default defineChecks({
  timers: async (t) => {
    const before = await t.service.measure({ resources: true });
    for (let i = 0; i < 7; i++) await t.service.request('/');
    const after = await t.service.measure({ resources: true });
    const grew = (after.resources?.Timeout ?? 0) - (before.resources?.Timeout ?? 0);
    return { passed: grew === 7, message: 'timers grew by ' + grew };
  },
});
`;

const tasks = [{ id: 'timers', title: 'Timers', description: 'Counts timers.', hints: ['A hint.'] }];
const root = makeLabsRoot({
  res: { manifest: manifestFor('res', { tasks }), starter: { 'server.ts': TIMERS_SERVER }, checks: CHECKS },
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

it('counts timers the service keeps, even when lab code replaces getActiveResourcesInfo', async () => {
  const report = await runLabCheck({ labId: 'res', labsDir: root });
  expect(report.tasks[0]).toMatchObject({ passed: true, message: 'timers grew by 7' });
});
