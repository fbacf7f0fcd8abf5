// Every file below a folder, with its size: what the supervisor reads of a workspace (its budget, a Go
// service's temp folder, the fixtures, a Go lab's sources). Paths are relative, with '/' between parts,
// in name order. A service may be changing the folder meanwhile: what vanishes during the walk is
// skipped, never an error.
import fs from 'node:fs';
import path from 'node:path';

export function walkFiles(
  root: string,
  each: (rel: string, bytes: number) => void,
  /** a folder (relative path) not to enter */
  skipDir: (rel: string) => boolean = () => false,
): void {
  const visit = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of entries) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) {
        if (!skipDir(r)) visit(r);
      } else if (d.isFile()) {
        let bytes: number;
        try {
          bytes = fs.lstatSync(path.join(root, r)).size;
        } catch {
          continue;
        }
        each(r, bytes);
      }
    }
  };
  visit('');
}
