// `go tool pprof -top` in the browser: flat and cum per function, with the file:line that carries most
// of the function's weight (where it allocates, or where it waits). Percentages are of the sum of
// absolute sample values, as pprof computes them, so they stay meaningful for a -base diff.
// Functions are told apart by name and file, as pprof's function granularity does: JavaScript names repeat
// across files ("(anonymous)", "get"), Go's do not.
import type { ParsedProfile } from './decode.ts';

export interface TopRow {
  name: string;
  file: string;
  /** the line of this function with the largest share of its samples */
  line: number;
  flat: number;
  cum: number;
}

export interface TopTable {
  rows: TopRow[];
  /** Σ |value| over all samples: the 100 % of flat% and cum% */
  total: number;
}

export function topTable(p: ParsedProfile, valueIndex: number): TopTable {
  const byFunction = new Map<string, { row: TopRow; lines: Map<number, number> }>();
  let total = 0;
  for (const s of p.samples) {
    const v = s.values[valueIndex] ?? 0;
    if (v === 0 || s.stack.length === 0) continue;
    total += Math.abs(v);
    const seen = new Set<string>();
    s.stack.forEach((id, depth) => {
      const f = p.frames[id]!;
      const key = `${f.name}\u0000${f.file}`;
      // recursion: a function counts once per sample in cum, at its leaf-most appearance
      if (seen.has(key)) return;
      seen.add(key);
      let entry = byFunction.get(key);
      if (!entry) {
        entry = { row: { name: f.name, file: f.file, line: f.line, flat: 0, cum: 0 }, lines: new Map() };
        byFunction.set(key, entry);
      }
      entry.row.cum += v;
      if (depth === 0) entry.row.flat += v;
      entry.lines.set(f.line, (entry.lines.get(f.line) ?? 0) + Math.abs(v));
    });
  }
  const rows = [...byFunction.values()].map(({ row, lines }) => {
    let best = -1;
    for (const [line, w] of lines)
      if (w > best) {
        best = w;
        row.line = line;
      }
    return row;
  });
  rows.sort(
    (a, b) => Math.abs(b.flat) - Math.abs(a.flat) || Math.abs(b.cum) - Math.abs(a.cum) || a.name.localeCompare(b.name),
  );
  return { rows, total };
}
