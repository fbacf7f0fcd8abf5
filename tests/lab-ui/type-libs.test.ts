// The editor's type libraries cover each lab's vendored packages: the lab's vendor/<name>.d.ts at the
// workspace path the app imports from, and the package's own declarations it re-exports.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { typeLibraries, vendoredTypePackages } from '../../src/lab-ui/type-libs.ts';

const ROOT = 'file:///workspace/';
const labsDir = join(import.meta.dirname, '..', '..', 'labs');
const vendoring = readdirSync(labsDir).filter((id) => existsSync(join(labsDir, id, 'vendor.json')));

describe('editor type libraries', () => {
  it('some lab vendors a package', () => expect(vendoring).toContain('excel-upload'));

  for (const id of vendoring) {
    it(`${id}: every vendored package has its types in the editor`, () => {
      const spec = JSON.parse(readFileSync(join(labsDir, id, 'vendor.json'), 'utf8')) as Record<string, string>;
      const libs = new Map(typeLibraries(ROOT, id).map((l) => [l.filePath, l.content]));
      for (const [name, pkg] of Object.entries(spec)) {
        expect(vendoredTypePackages()).toContain(pkg);
        const declaration = libs.get(`${ROOT}vendor/${name}.d.ts`);
        expect(declaration, `labs/${id}/vendor/${name}.d.ts`).toBeDefined();
        expect(declaration).toContain(`from '${pkg}'`);
        const types = JSON.parse(readFileSync(join(labsDir, '..', 'node_modules', pkg, 'package.json'), 'utf8')).types;
        expect(libs.has(`${ROOT}node_modules/${pkg}/${types.replace(/^\.\//, '')}`)).toBe(true);
      }
    });
  }

  it("a lab does not get another lab's vendored modules", () => {
    const paths = typeLibraries(ROOT, 'cache-warmup').map((l) => l.filePath);
    expect(paths.filter((p) => p.startsWith(`${ROOT}vendor/`))).toEqual([]);
  });
});
