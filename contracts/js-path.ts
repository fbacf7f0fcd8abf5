// Where a compiled workspace keeps a TypeScript module's JavaScript: beside it, `.ts` → `.js` and
// `.mts` → `.mjs`; declaration files and everything else keep their path. Dependency-free, so the kit
// (kit/modules.ts, which looks a module up) and the compiler (contracts/javascript-workspace.ts, which
// writes it) share one rule.
export function jsPath(tsPath: string): string {
  return /\.m?ts$/.test(tsPath) && !tsPath.endsWith('.d.ts') ? tsPath.replace(/\.(m?)ts$/, '.$1js') : tsPath;
}
