// The supervisor serves fixtures from memory: read at boot, before any service runs, or built by the lab's
// generator where the workspace has none (the page's container).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openFixtures } from '../../kit/fixtures.ts';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs = [];
});
function workspace(): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'leakbook-fixtures-'));
  dirs.push(ws);
  return ws;
}

describe('openFixtures', () => {
  it('keeps what fixtures/ held at boot, whatever a service writes there later', async () => {
    const ws = workspace();
    fs.mkdirSync(path.join(ws, 'fixtures', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'fixtures', 'a.xlsx'), 'original');
    fs.writeFileSync(path.join(ws, 'fixtures', 'sub', 'b.txt'), 'nested');
    const fixture = openFixtures(ws);
    fs.writeFileSync(path.join(ws, 'fixtures', 'a.xlsx'), 'rewritten by the service');
    fs.writeFileSync(path.join(ws, 'fixtures', 'planted.xlsx'), 'new');
    expect((await fixture('a.xlsx')).toString()).toBe('original');
    expect((await fixture('sub/b.txt')).toString()).toBe('nested');
    await expect(fixture('planted.xlsx')).rejects.toThrow(/not one of the lab's fixtures/);
    await expect(fixture('../lab.json')).rejects.toThrow(/not one of the lab's fixtures/);
  });

  it("builds them with the workspace's generator when there is no fixtures/ folder", async () => {
    const ws = workspace();
    fs.mkdirSync(path.join(ws, 'generator'));
    fs.writeFileSync(
      path.join(ws, 'generator', 'generate.js'),
      "export async function buildFixtures() { return new Map([['w.xlsx', Buffer.from('built')]]); }\n",
    );
    const fixture = openFixtures(ws);
    expect((await fixture('w.xlsx')).toString()).toBe('built');
  });

  it('says so when the generator fails, at the first fixture asked for', async () => {
    const ws = workspace();
    fs.mkdirSync(path.join(ws, 'generator'));
    fs.writeFileSync(
      path.join(ws, 'generator', 'generate.js'),
      "export async function buildFixtures() { throw new Error('out of disk'); }\n",
    );
    await expect(openFixtures(ws)('w.xlsx')).rejects.toThrow(/could not be generated: out of disk/);
  });
});
