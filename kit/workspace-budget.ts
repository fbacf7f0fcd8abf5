// How much a service may write into its workspace. Lab code can write files (a fix that logs to disk, a
// loop that never stops); unchecked, that fills the reader's disk. The files the kit writes on request
// (snapshots/, profiles/, Go's .bin/) are the reader's own doing and are not counted.
import fs from 'node:fs';
import path from 'node:path';
import { walkFiles } from './file-walk.ts';

/** 512 MB; LEAKBOOK_WORKSPACE_BUDGET_MB (the supervisor's environment, never the service's) sets another. */
export function workspaceBudgetBytes(): number {
  return (Number(process.env.LEAKBOOK_WORKSPACE_BUDGET_MB) || 512) * 1024 * 1024;
}
const KIT_OUTPUTS = new Set(['snapshots', 'profiles', '.bin']);

const walk = (ws: string, each: (rel: string, bytes: number) => void) =>
  walkFiles(ws, each, (rel) => KIT_OUTPUTS.has(rel));

export class WorkspaceBudget {
  private readonly ws: string;
  private readonly atStart = new Set<string>();

  /** Remembers the files the workspace holds now: what is added later is the services' writing. */
  constructor(ws: string) {
    this.ws = ws;
    walk(ws, (rel) => this.atStart.add(rel));
  }

  /** Bytes of every counted file. */
  used(): number {
    let total = 0;
    walk(this.ws, (_rel, bytes) => (total += bytes));
    return total;
  }

  /** Remove every counted file that was not there at the start; returns them, largest first. */
  removeAdded(): string[] {
    const added: { rel: string; bytes: number }[] = [];
    walk(this.ws, (rel, bytes) => {
      if (!this.atStart.has(rel)) added.push({ rel, bytes });
    });
    added.sort((a, b) => b.bytes - a.bytes);
    for (const f of added) fs.rmSync(path.join(this.ws, f.rel), { force: true });
    return added.map((f) => f.rel);
  }
}
