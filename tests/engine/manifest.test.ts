// Manifest validation: every error names the file and the field path.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabError, loadLab, parseManifest } from '../../engine/load-lab.ts';
import { makeLabsRoot, manifestFor, SERVER } from './fixture-labs.ts';

const root = makeLabsRoot({ good: { starter: { 'server.ts': SERVER } } });
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LabError);
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

describe('manifest validation', () => {
  it('accepts a valid manifest', () => {
    expect(loadLab('good', root).manifest.tasks[0].id).toBe('answers');
  });

  it('names the file and the nested field of a bad hint', () => {
    const m = manifestFor('x');
    (m.tasks as Array<{ hints: string[] }>)[0].hints = ['ok hint', 'no'];
    const msg = errorOf(() => parseManifest(JSON.stringify(m), 'labs/x/lab.json'));
    expect(msg).toContain('labs/x/lab.json: tasks[0].hints[1]:');
  });

  it('names a missing field, an unknown field and an entry that is not among the files', () => {
    const m = manifestFor('x', { entry: 'main.ts', colour: 'red' }) as Record<string, unknown>;
    delete m.heapLimitMb;
    const msg = errorOf(() => parseManifest(JSON.stringify(m), 'labs/x/lab.json'));
    expect(msg).toMatch(/labs\/x\/lab\.json: heapLimitMb:/);
    expect(msg).toMatch(/labs\/x\/lab\.json: .*colour|labs\/x\/lab\.json: \(root\): .*colour/);
  });

  it('reports the entry problem with its field once the shape is right', () => {
    const msg = errorOf(() => parseManifest(JSON.stringify(manifestFor('x', { entry: 'main.ts' })), 'labs/x/lab.json'));
    expect(msg).toContain('labs/x/lab.json: entry: entry "main.ts" is not among files');
  });

  it('names duplicate scenario ids by index', () => {
    const m = manifestFor('x');
    const scenarios = m.scenarios as Array<{ id: string }>;
    scenarios[2].id = scenarios[0].id;
    expect(errorOf(() => parseManifest(JSON.stringify(m), 'labs/x/lab.json'))).toContain(
      'labs/x/lab.json: scenarios[2].id: duplicate id "poke"',
    );
  });

  it('reports invalid JSON with the file name', () => {
    expect(errorOf(() => parseManifest('{ "id": ', 'labs/x/lab.json'))).toMatch(/^labs\/x\/lab\.json: not valid JSON/);
  });

  it('names a listed file missing from starter/, and a solution overlay file that is not editable', () => {
    fs.renameSync(path.join(root, 'good', 'starter', 'server.ts'), path.join(root, 'good', 'server.ts'));
    fs.mkdirSync(path.join(root, 'good', 'solution'), { recursive: true });
    fs.writeFileSync(path.join(root, 'good', 'solution', 'other.ts'), SERVER);
    try {
      const message = errorOf(() => loadLab('good', root));
      expect(message).toContain('labs/good/lab.json: files[0].path: starter/server.ts does not exist');
      expect(message).toContain('labs/good/solution/other.ts: not a file of the lab');
    } finally {
      fs.renameSync(path.join(root, 'good', 'server.ts'), path.join(root, 'good', 'starter', 'server.ts'));
      fs.rmSync(path.join(root, 'good', 'solution', 'other.ts'));
    }
  });

  it('lists the known labs for an unknown id and rejects ids that are not ids', () => {
    expect(errorOf(() => loadLab('nope', root))).toBe('unknown lab "nope" (labs: good)');
    expect(errorOf(() => loadLab('../etc', root))).toContain('is not a lab id');
  });
});
