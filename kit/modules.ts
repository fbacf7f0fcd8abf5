// Where the kit finds a workspace's modules. A workspace holds TypeScript (local runner, CLI: Node strips
// the types) or, on the WebContainer path, the same files compiled to JavaScript beside the same names
// (contracts/javascript-workspace.ts), so the container's Node never has to strip types.
import fs from 'node:fs';
import path from 'node:path';
import { jsPath } from '../contracts/js-path.ts';

/** `rel` (e.g. "scenarios.ts") inside `ws`, or its compiled `.js` twin when only that exists. */
export function workspaceModule(ws: string, rel: string): string {
  const file = path.join(ws, rel);
  if (jsPath(rel) === rel || fs.existsSync(file)) return file;
  const compiled = path.join(ws, jsPath(rel));
  return fs.existsSync(compiled) ? compiled : file;
}
