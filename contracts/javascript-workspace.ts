// The compiled workspace: what the WebContainer path mounts instead of TypeScript, so the container's Node
// never has to strip types. The build compiles the kit, contracts, read-only lab files, scenarios and
// checks (engine/bundle.ts); the page compiles the reader's edited files the same way just before
// mounting (src/runtime/webcontainer.ts); the kit finds `x.js` wherever it looks for `x.ts`
// (kit/modules.ts). One function for both sides, so what the tests compile is what the page runs.
import { init, parse } from 'es-module-lexer';
import { transform } from 'sucrase';
import { jsPath } from './js-path.ts';

export { jsPath };

/** A compile error in one file, with the file's path and the position sucrase reports. */
export class CompileError extends Error {
  readonly file: string;
  constructor(file: string, detail: string, options?: ErrorOptions) {
    super(`${file} could not be compiled: ${detail}`, options);
    this.file = file;
    this.name = 'CompileError';
  }
}

/**
 * TypeScript → JavaScript with Node's type-stripping semantics: types erased, relative `.ts` imports
 * (static, literal dynamic, and `new URL('./x.ts', import.meta.url)`) pointed at the `.js` files next to them. Throws CompileError on
 * syntax errors; type errors are not this step's business (Node would run such code too).
 */
export async function compileModule(file: string, source: string): Promise<string> {
  let code: string;
  try {
    code = transform(source, {
      transforms: ['typescript'],
      // modern syntax as written: the container's Node runs it (sucrase keeps line numbers, so stack
      // traces from the container point at the reader's own lines)
      disableESTransforms: true,
      // as Node does: an import is kept even when only its types are used (verbatimModuleSyntax)
      keepUnusedImports: true,
      filePath: file,
    }).code;
  } catch (err) {
    // sucrase says "Error transforming <file>: Unexpected token (3:5)"
    const raw = (err as Error).message.replace(/^Error transforming [^:]*: /, '');
    const at = /\s*\((\d+):(\d+)\)$/.exec(raw);
    // sucrase reports an error inside an arrow function's body at the arrow's start, so say where the
    // compiler stopped rather than claim it is the mistake's exact place
    const detail = at
      ? `${raw.slice(0, at.index)} (the compiler stopped at line ${at[1]}, column ${Number(at[2]) + 1})`
      : raw;
    throw new CompileError(file, detail, { cause: err });
  }
  await init;
  const [imports] = parse(code, file);
  let out = '';
  let last = 0;
  for (const imp of imports) {
    const spec = imp.specifier;
    if (typeof spec !== 'string' || !/^\.\.?\//.test(spec) || !/\.m?ts$/.test(spec)) continue;
    // a static import's range is the bare specifier, a dynamic one's includes its quotes
    out += code.slice(last, imp.start) + code.slice(imp.start, imp.end).replace(/\.(m?)ts(['"`]?)$/, '.$1js$2');
    last = imp.end;
  }
  // `new URL('./x.ts', import.meta.url)`: how checks reach a lab file the typechecker must not follow
  return (out + code.slice(last)).replace(
    /(new URL\(\s*(['"])\.\.?\/[^'"]*?)\.(m?)ts(\2\s*,\s*import\.meta\.url\s*\))/g,
    '$1.$3js$4',
  );
}

/** Every `.ts` entry of a file map compiled to its `.js` path; other entries as they are. */
export async function compileFiles<T>(files: Record<string, T | string>): Promise<Record<string, T | string>> {
  const out: Record<string, T | string> = {};
  for (const [p, data] of Object.entries(files)) {
    if (jsPath(p) !== p && typeof data === 'string') out[jsPath(p)] = await compileModule(p, data);
    else out[p] = data;
  }
  return out;
}

/** The workspace's package.json with its `#kit` import pointed at the compiled kit. */
export function compiledPackageJson(text: string): string {
  const pkg = JSON.parse(text) as { imports?: Record<string, string> };
  if (pkg.imports) for (const k of Object.keys(pkg.imports)) pkg.imports[k] = jsPath(pkg.imports[k]);
  return JSON.stringify(pkg, null, 2) + '\n';
}
