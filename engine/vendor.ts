// Third-party code a lab needs, bundled at build time so a lab starts with no package install.
// A lab lists it in labs/<id>/vendor.json as { "<name>": "<npm specifier>" }; each becomes
// <ws>/vendor/<name>.js, one self-contained ES module whose default export is the package's module
// object (app code: `import ExcelJS from '../vendor/exceljs.js'`). Files already in labs/<id>/vendor/ are
// copied as they are. Bundles are cached under node_modules/.cache/leakbook-vendor.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { LabError, readTree, type LoadedLab } from './load-lab.ts';

function cacheDir(): string {
  return path.resolve(process.cwd(), 'node_modules', '.cache', 'leakbook-vendor');
}

export function vendorSpec(lab: LoadedLab): Record<string, string> {
  const file = path.join(lab.dir, 'vendor.json');
  if (!fs.existsSync(file)) return {};
  let spec: unknown;
  try {
    spec = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new LabError(`labs/${lab.id}/vendor.json: not valid JSON (${(err as Error).message})`);
  }
  if (!spec || typeof spec !== 'object' || Array.isArray(spec))
    throw new LabError(`labs/${lab.id}/vendor.json: expected { "name": "npm specifier" }`);
  for (const [name, pkg] of Object.entries(spec)) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
      throw new LabError(`labs/${lab.id}/vendor.json: ${name}: use lowercase letters, digits and dashes`);
    if (typeof pkg !== 'string')
      throw new LabError(`labs/${lab.id}/vendor.json: ${name}: expected a package specifier string`);
  }
  return spec as Record<string, string>;
}

/** vendor/ files for the workspace: relative path -> bytes. */
export async function vendorFiles(lab: LoadedLab): Promise<Record<string, Buffer>> {
  const out = readTree(path.join(lab.dir, 'vendor'));
  const spec = vendorSpec(lab);
  for (const [name, pkg] of Object.entries(spec)) out[`${name}.js`] = await bundle(pkg);
  return out;
}

/**
 * esbuild turns every module-level `class Cell { … Cell.Types … }` into `var Cell = class _Cell {…}`
 * when bundling (it cannot be switched off), and V8's heap snapshots name objects after that inner
 * `_Cell`. Wrapping each CommonJS file's body in a function moves its classes out of module scope, so
 * they stay declarations with their own names. ES modules are left alone (import/export must stay
 * top-level).
 */
const nestCommonJs: import('esbuild').Plugin = {
  name: 'leakbook-nest-commonjs',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/].*\.c?js$/ }, async (args) => {
      // A leading #! line is only valid at the very start of a file.
      const source = (await fs.promises.readFile(args.path, 'utf8')).replace(/^#!.*/, '');
      if (/^\s*(import|export)\b\s*[^\s(.]/m.test(source)) return undefined;
      return { contents: `(function () {\n${source}\n}).call(this);`, loader: 'js' };
    });
  },
};

/** Bumped whenever the esbuild options below change, so cached bundles are rebuilt. */
const BUILD_OPTIONS_VERSION = 3;

async function bundle(pkg: string): Promise<Buffer> {
  let version = 'unknown';
  try {
    const base = pkg.startsWith('@') ? pkg.split('/').slice(0, 2).join('/') : pkg.split('/')[0];
    version = JSON.parse(
      fs.readFileSync(path.resolve(process.cwd(), 'node_modules', base, 'package.json'), 'utf8'),
    ).version;
  } catch {
    // not resolvable from here: esbuild will report it clearly below
  }
  const key = crypto
    .createHash('sha256')
    .update(`${pkg}@${version} ${BUILD_OPTIONS_VERSION}`)
    .digest('hex')
    .slice(0, 16);
  const cached = path.join(cacheDir(), `${key}.js`);
  if (fs.existsSync(cached)) return fs.readFileSync(cached);
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    stdin: {
      contents: `import * as m from ${JSON.stringify(pkg)}; export default (m.default ?? m);`,
      resolveDir: process.cwd(),
      loader: 'js',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    write: false,
    // Whitespace and syntax only: identifiers keep their names, and keepNames pins every class's and
    // function's .name, so heap snapshots of a lab show Workbook, Worksheet, Row and Cell, not `t`.
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    legalComments: 'inline',
    logLevel: 'silent',
    plugins: [nestCommonJs],
    // CommonJS dependencies call require() for built-ins; give the ES module a require of its own.
    banner: {
      js: "import { createRequire as __lbRequire } from 'node:module'; const require = __lbRequire(import.meta.url);",
    },
  });
  const code = Buffer.from(result.outputFiles[0].contents);
  fs.mkdirSync(cacheDir(), { recursive: true });
  fs.writeFileSync(cached, code);
  return code;
}
