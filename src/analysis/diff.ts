// Snapshot comparisons by V8 object id (ids are stable across snapshots of one process):
// two snapshots → DevTools' Comparison view; three snapshots → objects allocated by the action
// (absent in the first, present in the second) that survived repeating it (still in the third).
import { alignClasses, type SnapshotDigest } from './digest.ts';

export interface DiffRow {
  name: string;
  countBefore: number;
  countAfter: number;
  /** Objects in the later snapshot whose id the earlier one lacks. */
  added: number;
  /** Objects of the earlier snapshot that are gone. */
  deleted: number;
  deltaCount: number;
  sizeBefore: number;
  sizeAfter: number;
  addedSize: number;
  freedSize: number;
  deltaSize: number;
  /**
   * Memory the new objects hold (their retained size in the later snapshot, an object dominated by
   * another new one of its class counted once). Set by analyzeSnapshots.
   */
  addedRetained: number;
}

export interface DigestDiff {
  rows: DiffRow[];
  /** 1 for each entry of the later digest that is new. */
  isNew: Uint8Array;
  /** Class id (in the later digest's names) of each row, parallel to rows. */
  rowClass: number[];
}

/** Largest growth first: size delta, then count delta, then name. */
export function byGrowth(a: DiffRow, b: DiffRow): number {
  return b.deltaSize - a.deltaSize || b.deltaCount - a.deltaCount || a.name.localeCompare(b.name);
}

export function diffDigests(before: SnapshotDigest, after: SnapshotDigest): DigestDiff {
  const names = after.names.slice();
  const index = new Map(names.map((n, i) => [n, i] as [string, number]));
  const beforeToAfter = alignClasses(before.names, names, index);
  const k = names.length;
  const countBefore = new Float64Array(k),
    countAfter = new Float64Array(k);
  const added = new Float64Array(k),
    deleted = new Float64Array(k);
  const sizeBefore = new Float64Array(k),
    sizeAfter = new Float64Array(k);
  const addedSize = new Float64Array(k),
    freedSize = new Float64Array(k);
  const isNew = new Uint8Array(after.ids.length);
  const a = before.ids,
    b = after.ids;
  let i = 0,
    j = 0;
  while (i < a.length || j < b.length) {
    const ia = i < a.length ? a[i]! : Infinity;
    const jb = j < b.length ? b[j]! : Infinity;
    if (ia === jb) {
      const ca = beforeToAfter[before.cls[i]!]!,
        cb = after.cls[j]!;
      countBefore[ca]!++;
      sizeBefore[ca]! += before.size[i]!;
      countAfter[cb]!++;
      sizeAfter[cb]! += after.size[j]!;
      i++;
      j++;
    } else if (ia < jb) {
      const ca = beforeToAfter[before.cls[i]!]!;
      countBefore[ca]!++;
      sizeBefore[ca]! += before.size[i]!;
      deleted[ca]!++;
      freedSize[ca]! += before.size[i]!;
      i++;
    } else {
      const cb = after.cls[j]!;
      countAfter[cb]!++;
      sizeAfter[cb]! += after.size[j]!;
      added[cb]!++;
      addedSize[cb]! += after.size[j]!;
      isNew[j] = 1;
      j++;
    }
  }
  const rows: DiffRow[] = [];
  const rowClass: number[] = [];
  for (let c = 0; c < k; c++) {
    if (!added[c] && !deleted[c]) continue;
    rows.push({
      name: names[c]!,
      countBefore: countBefore[c]!,
      countAfter: countAfter[c]!,
      added: added[c]!,
      deleted: deleted[c]!,
      deltaCount: countAfter[c]! - countBefore[c]!,
      sizeBefore: sizeBefore[c]!,
      sizeAfter: sizeAfter[c]!,
      addedSize: addedSize[c]!,
      freedSize: freedSize[c]!,
      deltaSize: sizeAfter[c]! - sizeBefore[c]!,
      addedRetained: 0,
    });
    rowClass.push(c);
  }
  const order = rows.map((_, r) => r).sort((x, y) => byGrowth(rows[x]!, rows[y]!));
  return { rows: order.map((r) => rows[r]!), isNew, rowClass: order.map((r) => rowClass[r]!) };
}

export interface LeakRow {
  name: string;
  /** Objects allocated between the first and second snapshot that are still alive in the third. */
  count: number;
  shallowSize: number;
  /** What they hold in the third snapshot (set by analyzeSnapshots). */
  retainedSize: number;
}

export interface LeakSet {
  rows: LeakRow[];
  /** 1 for each entry of the third digest that leaked. */
  leaked: Uint8Array;
  rowClass: number[];
}

export function leakedObjects(first: SnapshotDigest, second: SnapshotDigest, third: SnapshotDigest): LeakSet {
  const k = third.names.length;
  const count = new Float64Array(k),
    size = new Float64Array(k);
  const leaked = new Uint8Array(third.ids.length);
  const a = first.ids,
    b = second.ids,
    c = third.ids;
  let i = 0,
    j = 0;
  for (let x = 0; x < c.length; x++) {
    const id = c[x]!;
    while (i < a.length && a[i]! < id) i++;
    while (j < b.length && b[j]! < id) j++;
    const inFirst = i < a.length && a[i] === id;
    const inSecond = j < b.length && b[j] === id;
    if (inSecond && !inFirst) {
      leaked[x] = 1;
      const cl = third.cls[x]!;
      count[cl]!++;
      size[cl]! += third.size[x]!;
    }
  }
  const rows: LeakRow[] = [];
  const rowClass: number[] = [];
  for (let cl = 0; cl < k; cl++) {
    if (!count[cl]) continue;
    rows.push({ name: third.names[cl]!, count: count[cl]!, shallowSize: size[cl]!, retainedSize: 0 });
    rowClass.push(cl);
  }
  const order = rows
    .map((_, r) => r)
    .sort((x, y) => rows[y]!.shallowSize - rows[x]!.shallowSize || rows[y]!.count - rows[x]!.count);
  return { rows: order.map((r) => rows[r]!), leaked, rowClass: order.map((r) => rowClass[r]!) };
}
