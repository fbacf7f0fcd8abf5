// Heap snapshot analysis in one import for Node (the tests and the heap bench). Pages use client.ts (Web Worker).
export { analyzeSnapshots } from './analyze.ts';
export type {
  AnalyzeOptions,
  ClassPaths,
  DiffReport,
  LeakReport,
  Phase,
  Progress,
  Report,
  SnapshotReport,
} from './analyze.ts';
export { parseSnapshot, type SnapshotSource } from './read-snapshot.ts';
export { SnapshotParseError, SnapshotStreamParser } from './stream-parser.ts';
export type { HeapGraph } from './heap-graph.ts';
export { buildClassIndex } from './classes.ts';
export { computeDominators } from './dominators.ts';
export { summarize, type ClassRow, type SnapshotTotals } from './summary.ts';
export { diffDigests, leakedObjects, byGrowth, type DiffRow, type LeakRow } from './diff.ts';
export { makeDigest } from './digest.ts';
export { buildRetainerTree, PathNamer, type RetainerPath } from './retainers.ts';
