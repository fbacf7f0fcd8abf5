// The runner's writes into and removals from a workspace never follow a link lab code planted there.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  readInWorkspace,
  removeInWorkspace,
  WorkspaceLinkError,
  writeTreeInWorkspace,
} from '../../server/workspace-fs.ts';

let ws: string;
let outside: string;
const checks = { 'index.ts': Buffer.from('export default {};\n'), 'lib/util.ts': Buffer.from('export {};\n') };

beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'leakbook-ws-'));
  outside = mkdtempSync(join(tmpdir(), 'leakbook-outside-'));
  writeFileSync(join(outside, 'keep.txt'), 'keep');
});
afterEach(() => {
  rmSync(ws, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('writing a tree into a workspace', () => {
  it('writes the files, replacing what an earlier write left', async () => {
    await writeTreeInWorkspace(ws, 'checks', checks);
    writeFileSync(join(ws, 'checks', 'stale.ts'), 'old');
    await writeTreeInWorkspace(ws, 'checks', checks);
    expect(readdirSync(join(ws, 'checks')).sort()).toEqual(['index.ts', 'lib']);
    expect(readFileSync(join(ws, 'checks', 'lib', 'util.ts'), 'utf8')).toBe('export {};\n');
    expect(readdirSync(ws)).toEqual(['checks']); // no staging folder left behind
  });

  it('refuses a link at the target, dangling or not, and leaves its target alone', async () => {
    symlinkSync(outside, join(ws, 'checks'));
    await expect(writeTreeInWorkspace(ws, 'checks', checks)).rejects.toThrow(WorkspaceLinkError);
    await expect(writeTreeInWorkspace(ws, 'checks', checks)).rejects.toThrow(
      /checks in the lab's workspace is a symbolic link/,
    );
    rmSync(join(ws, 'checks'));
    symlinkSync(join(outside, 'nothing-here'), join(ws, 'checks'));
    await expect(writeTreeInWorkspace(ws, 'checks', checks)).rejects.toThrow(WorkspaceLinkError);
    expect(readdirSync(outside)).toEqual(['keep.txt']);
    expect(readdirSync(ws)).toEqual(['checks']); // the staging folder went too
  });

  it('refuses a target below a linked folder', async () => {
    symlinkSync(outside, join(ws, 'app'));
    await expect(writeTreeInWorkspace(ws, 'app/checks', checks)).rejects.toThrow(/below a symbolic link/);
    expect(readdirSync(outside)).toEqual(['keep.txt']);
  });

  it('replaces a real folder holding links without touching what they point to', async () => {
    mkdirSync(join(ws, 'checks'));
    symlinkSync(outside, join(ws, 'checks', 'lib'));
    await writeTreeInWorkspace(ws, 'checks', checks);
    expect(readdirSync(outside)).toEqual(['keep.txt']);
    expect(readdirSync(join(ws, 'checks', 'lib'))).toEqual(['util.ts']);
  });
});

describe('removing from and reading a workspace', () => {
  it('removes a link as a link', async () => {
    symlinkSync(outside, join(ws, 'checks'));
    await removeInWorkspace(ws, 'checks');
    expect(readdirSync(ws)).toEqual([]);
    expect(readdirSync(outside)).toEqual(['keep.txt']);
  });

  it('reads files, but not through a link at the file or on its way', async () => {
    mkdirSync(join(ws, 'app'));
    writeFileSync(join(ws, 'app', 'service.ts'), 'mine');
    expect(await readInWorkspace(ws, 'app/service.ts')).toBe('mine');
    symlinkSync(join(outside, 'keep.txt'), join(ws, 'app', 'linked.ts'));
    await expect(readInWorkspace(ws, 'app/linked.ts')).rejects.toThrow(
      /app\/linked\.ts in the lab's workspace is a symbolic link/,
    );
    rmSync(join(ws, 'app'), { recursive: true });
    symlinkSync(outside, join(ws, 'app'));
    await expect(readInWorkspace(ws, 'app/keep.txt')).rejects.toThrow(/below a symbolic link/);
  });
});
