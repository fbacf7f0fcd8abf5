// The workspace as the supervisor found it. The service runs the reader's code with the same rights
// on these files as the supervisor, so anything it rewrites (the kit the next service host boots
// from, lab.json, read-only lab files, scenarios) is put back before the next service starts: every
// service of a Check runs the files the Check was asked about, not files an earlier service wrote.
import fs from 'node:fs';
import path from 'node:path';

/** Folders and files kept; snapshots/, profiles/ and fixtures/ are outputs or large inputs and not kept. */
const KEPT = [
  'kit',
  'contracts',
  'app',
  'vendor',
  'generator',
  'lab.json',
  'package.json',
  'scenarios.ts',
  'go.mod',
  'go.sum',
];

export class WorkspaceGuard {
  private readonly files = new Map<string, Buffer>();
  private readonly dirs = new Set<string>();
  private readonly ws: string;

  constructor(ws: string) {
    this.ws = ws;
    for (const name of KEPT) this.read(name);
  }

  private read(rel: string): void {
    const abs = path.join(this.ws, rel);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(abs);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      this.dirs.add(rel);
      for (const name of fs.readdirSync(abs)) this.read(path.join(rel, name));
    } else if (st.isFile()) this.files.set(rel, fs.readFileSync(abs));
  }

  /** Put back every kept file that changed and remove what was added inside kept folders; returns what changed. */
  restore(): string[] {
    const changed: string[] = [];
    for (const dir of this.dirs) this.prune(dir, changed);
    for (const [rel, data] of this.files) {
      const abs = path.join(this.ws, rel);
      let same: boolean;
      try {
        same = fs.lstatSync(abs).isFile() && fs.readFileSync(abs).equals(data);
      } catch {
        same = false;
      }
      if (same) continue;
      changed.push(rel);
      fs.rmSync(abs, { recursive: true, force: true });
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, data);
    }
    return changed;
  }

  private prune(dir: string, changed: string[]): void {
    let names: string[];
    try {
      names = fs.readdirSync(path.join(this.ws, dir));
    } catch {
      return;
    }
    for (const name of names) {
      const rel = path.join(dir, name);
      if (this.files.has(rel) || this.dirs.has(rel)) continue;
      changed.push(rel);
      fs.rmSync(path.join(this.ws, rel), { recursive: true, force: true });
    }
  }
}
