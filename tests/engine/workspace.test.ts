// Workspace building: the documented layout, and reader-supplied paths confined to editable files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkspace, kitContractFiles, safeRelativePath } from '../../engine/workspace.ts';
import { makeLabsRoot, manifestFor, SERVER } from './fixture-labs.ts';

const root = makeLabsRoot({
  lab: {
    manifest: manifestFor('lab', {
      files: [
        { path: 'server.ts', editable: true },
        { path: 'data.ts', editable: false },
      ],
    }),
    starter: { 'server.ts': SERVER, 'data.ts': 'export const DATA = 1;\n' },
    solution: { 'server.ts': SERVER + '// solved\n', 'data.ts': 'export const DATA = 1;\n' },
  },
});
const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'leakbook-ws-parent-'));
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(parent, { recursive: true, force: true });
});

describe('safeRelativePath', () => {
  it.each(['/etc/passwd', '../x.ts', 'a/../../x.ts', 'a/./b.ts', 'a//b.ts', 'C:/x.ts', 'a\\b.ts', 'x\0.ts', ''])(
    'rejects %j',
    (p) => {
      expect(() => safeRelativePath(p)).toThrow();
    },
  );
  it('accepts nested relative paths', () => {
    expect(safeRelativePath('lib/cache.ts')).toBe('lib/cache.ts');
  });
});

describe('kitContractFiles', () => {
  it('copies every contract file the kit imports, and none that needs a package', () => {
    const copied = Object.keys(kitContractFiles()).sort();
    const kitDir = path.resolve(import.meta.dirname, '../../kit');
    const imported = new Set<string>();
    for (const f of fs.readdirSync(kitDir).filter((n) => n.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(kitDir, f), 'utf8');
      for (const m of text.matchAll(/^import (?!type )[^;]*?from '\.\.\/contracts\/([^']+)'/gm)) imported.add(m[1]);
    }
    expect(imported.size).toBeGreaterThan(0);
    for (const name of imported) expect(copied, name).toContain(name);
    // the zod manifest schema: the kit uses its type only, which Node erases
    expect(copied).not.toContain('manifest.ts');
    for (const [name, data] of Object.entries(kitContractFiles()))
      for (const m of data.toString('utf8').matchAll(/from '([^']+)'/g))
        expect(m[1], `contracts/${name}`).toMatch(/^(\.\/|node:)/);
  });
});

describe('createWorkspace', () => {
  it('builds the documented layout with the reader file over the starter, checks only when asked', async () => {
    const ws = await createWorkspace({
      labId: 'lab',
      labsDir: root,
      root: parent,
      files: { 'server.ts': '// mine\n' + SERVER },
    });
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(ws.dir, 'package.json'), 'utf8'));
      expect(pkg).toMatchObject({ type: 'module', imports: { '#kit': './kit/index.ts' } });
      for (const p of [
        'kit/index.ts',
        'kit/supervisor.ts',
        'kit/host.ts',
        'contracts/lab-protocol.ts',
        'app/data.ts',
        'scenarios.ts',
        'lab.json',
        'snapshots',
      ])
        expect(fs.existsSync(path.join(ws.dir, p)), p).toBe(true);
      expect(fs.readFileSync(path.join(ws.dir, 'app/server.ts'), 'utf8')).toMatch(/^\/\/ mine/);
      expect(fs.existsSync(path.join(ws.dir, 'checks'))).toBe(false);
    } finally {
      ws.dispose();
    }
    expect(fs.existsSync(ws.dir)).toBe(false);
    const withChecks = await createWorkspace({
      labId: 'lab',
      labsDir: root,
      root: parent,
      withChecks: true,
      base: 'solution',
    });
    expect(fs.readFileSync(path.join(withChecks.dir, 'app/server.ts'), 'utf8')).toContain('// solved');
    expect(fs.existsSync(path.join(withChecks.dir, 'checks/index.ts'))).toBe(true);
    withChecks.dispose();
  });

  it.each([
    ['a parent-directory path', { '../server.ts': 'x' }],
    ['an absolute path', { '/tmp/evil.ts': 'x' }],
    ['a nested traversal', { 'server.ts/../../../evil.ts': 'x' }],
    ['a read-only file', { 'data.ts': 'export const DATA = 666;' }],
    ['a file the lab does not have', { 'extra.ts': 'x' }],
  ])('rejects %s and writes nothing', async (_what, files) => {
    const before = fs.readdirSync(parent);
    await expect(createWorkspace({ labId: 'lab', labsDir: root, root: parent, files })).rejects.toThrow(
      /relative|inside the lab|not an editable file/,
    );
    expect(fs.readdirSync(parent)).toEqual(before);
    expect(fs.existsSync(path.join(os.tmpdir(), 'evil.ts'))).toBe(false);
  });
});
