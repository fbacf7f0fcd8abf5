// One entry point for the whole analysis, used by the Web Worker, Node checks and the CLI alike.
// Snapshots are read one after another; only the newest parsed graph is held, earlier ones are
// reduced to id-sorted digests as soon as their summary is done.
import { BufferPool } from './buffer-pool.ts';
import { buildClassIndex, ENGINE_CLASSES, type ClassIndex } from './classes.ts';
import { diffDigests, leakedObjects, type DiffRow, type LeakRow } from './diff.ts';
import { makeDigest, type SnapshotDigest } from './digest.ts';
import { computeDominators, type Dominators } from './dominators.ts';
import type { HeapGraph } from './heap-graph.ts';
import { parseSnapshot, type SnapshotSource } from './read-snapshot.ts';
import { buildRetainerTree, PathNamer, type RetainerPath, type RetainerTree } from './retainers.ts';
import { classRetained, summarize, type ClassRow, type SnapshotTotals } from './summary.ts';

export type Phase = 'parse' | 'dominators' | 'summary' | 'diff' | 'paths' | 'done';

export interface Progress {
  phase: Phase;
  /** Which snapshot (0-based) the phase works on. */
  snapshot: number;
  snapshots: number;
  bytes: number;
  totalBytes?: number;
}

export interface SnapshotReport {
  label: string;
  bytes: number;
  totals: SnapshotTotals;
  classes: ClassRow[];
}

export interface ClassPaths {
  name: string;
  paths: RetainerPath[];
}

export interface DiffReport {
  /** Indexes into Report.snapshots. */
  from: number;
  to: number;
  rows: DiffRow[];
  /** Retainer paths of sample new objects, for the classes that grew most. */
  paths: ClassPaths[];
}

export interface LeakReport {
  rows: LeakRow[];
  paths: ClassPaths[];
}

export interface Report {
  snapshots: SnapshotReport[];
  /** Consecutive comparisons: 0→1, 1→2. */
  diffs: DiffReport[];
  /** With three snapshots: allocated between the first two, still alive in the third. */
  leaks?: LeakReport;
}

export interface AnalyzeOptions {
  labels?: string[];
  /** Sizes of the sources in bytes, when known, for progress. */
  totalBytes?: (number | undefined)[];
  onProgress?: (p: Progress) => void;
  /** Growing classes that get retainer paths (largest growth first). Default 20. */
  pathClasses?: number;
  /** Sample objects per class. Default 3. */
  samplesPerClass?: number;
}

interface Loaded {
  graph: HeapGraph;
  classes: ClassIndex;
  dom: Dominators;
  digest: SnapshotDigest;
}

/** The last snapshot of an analysis, kept whole so its retainers can be explored afterwards. */
export interface HeldSnapshot {
  graph: HeapGraph;
  classes: ClassIndex;
  dom: Dominators;
  /** Id-sorted digest of the snapshot, with node indices. */
  digest: SnapshotDigest;
  /**
   * Per digest entry, 1 for the objects the report is about: new in the comparison (two
   * snapshots), leaked (three). Null with one snapshot: every object counts.
   */
  marked: Uint8Array | null;
}

export async function analyzeSnapshots(sources: SnapshotSource[], options: AnalyzeOptions = {}): Promise<Report> {
  return (await run(sources, options, false)).report;
}

/** Like analyzeSnapshots, but the last snapshot's graph is kept for retainer queries (see RetainerExplorer). */
export async function analyzeAndHold(
  sources: SnapshotSource[],
  options: AnalyzeOptions = {},
): Promise<{ report: Report; held: HeldSnapshot }> {
  const { report, held } = await run(sources, options, true);
  return { report, held: held! };
}

async function run(
  sources: SnapshotSource[],
  options: AnalyzeOptions,
  hold: boolean,
): Promise<{ report: Report; held: HeldSnapshot | null }> {
  if (sources.length < 1 || sources.length > 3)
    throw new Error(`analyze one, two or three snapshots (got ${sources.length})`);
  const report: Report = { snapshots: [], diffs: [] };
  const digests: SnapshotDigest[] = [];
  const progress = (phase: Phase, snapshot: number, bytes = 0) =>
    options.onProgress?.({
      phase,
      snapshot,
      snapshots: sources.length,
      bytes,
      totalBytes: options.totalBytes?.[snapshot],
    });
  let previous: SnapshotDigest | null = null;
  let held: HeldSnapshot | null = null;
  const pool = new BufferPool();
  for (let s = 0; s < sources.length; s++) {
    const loaded = await load(sources[s]!, s, progress, pool);
    const { graph, classes, dom, digest } = loaded;
    progress('summary', s, graph.bytes);
    const summary = summarize(graph, classes, dom, pool);
    report.snapshots.push({
      label: options.labels?.[s] ?? `Snapshot ${s + 1}`,
      bytes: graph.bytes,
      totals: summary.totals,
      classes: summary.rows,
    });
    let tree: RetainerTree | null = null;
    let marked: Uint8Array | null = null;
    const namer = new PathNamer(graph, classes);
    if (previous) {
      progress('diff', s, graph.bytes);
      const diff = diffDigests(previous, digest);
      marked = diff.isNew;
      const held = retainedByClass(graph, classes, dom, digest, diff.isNew, pool);
      diff.rows.forEach((row, r) => (row.addedRetained = held[diff.rowClass[r]!] ?? 0));
      progress('paths', s, graph.bytes);
      tree = buildRetainerTree(graph, pool);
      const growing: number[] = [];
      diff.rows.forEach((row, r) => {
        if (row.deltaCount > 0 && row.added > 0 && !ENGINE_CLASSES.has(row.name)) growing.push(r);
      });
      const chosen = growing.slice(0, options.pathClasses ?? 20);
      const per = options.samplesPerClass ?? 3;
      const paths = samplePaths(
        digest,
        diff.isNew,
        chosen.map((r) => diff.rowClass[r]!),
        per * 3,
      ).map((nodes, k) => ({
        name: diff.rows[chosen[k]!]!.name,
        paths: preferDurable(
          nodes.map((v) => namer.describe(tree!, v, dom.retained)),
          per,
        ),
      }));
      report.diffs.push({ from: s - 1, to: s, rows: diff.rows, paths });
    }
    if (s === 2) {
      progress('diff', s, graph.bytes);
      const leaks = leakedObjects(digests[0]!, digests[1]!, digest);
      marked = leaks.leaked;
      const held = retainedByClass(graph, classes, dom, digest, leaks.leaked, pool);
      leaks.rows.forEach((row, r) => (row.retainedSize = held[leaks.rowClass[r]!] ?? 0));
      tree ??= buildRetainerTree(graph, pool);
      const rowsWithPaths = leaks.rows
        .map((_, r) => r)
        .filter((r) => !ENGINE_CLASSES.has(leaks.rows[r]!.name))
        .slice(0, options.pathClasses ?? 20);
      const per = options.samplesPerClass ?? 3;
      const paths = samplePaths(
        digest,
        leaks.leaked,
        rowsWithPaths.map((r) => leaks.rowClass[r]!),
        per * 3,
      ).map((nodes, k) => ({
        name: leaks.rows[rowsWithPaths[k]!]!.name,
        paths: preferDurable(
          nodes.map((v) => namer.describe(tree!, v, dom.retained)),
          per,
        ),
      }));
      report.leaks = { rows: leaks.rows, paths };
    }
    if (hold && s === sources.length - 1) {
      held = { graph, classes, dom, digest, marked };
      if (tree) pool.give(tree.parentNode, tree.parentEdge);
      break;
    }
    // Earlier digests only need ids, classes and sizes; node indices served this snapshot's samples.
    pool.give(digest.node);
    digest.node = new Uint32Array(0);
    digests.push(digest);
    previous = digest;
    // Everything of this snapshot but its digest is done with: its buffers serve the next one.
    pool.give(
      graph.nodeType,
      graph.nodeName,
      graph.nodeId,
      graph.selfSize,
      graph.firstEdge,
      graph.edgeType,
      graph.edgeName,
      graph.edgeTo,
      classes.classOf,
      dom.idom,
      dom.retained,
      tree?.parentNode,
      tree?.parentEdge,
    );
  }
  progress('done', sources.length - 1);
  return { report, held };
}

async function load(
  source: SnapshotSource,
  s: number,
  progress: (phase: Phase, s: number, bytes?: number) => void,
  pool: BufferPool,
): Promise<Loaded> {
  progress('parse', s, 0);
  const graph = await parseSnapshot(source, { onBytes: (b) => progress('parse', s, b), pool });
  progress('dominators', s, graph.bytes);
  const classes = buildClassIndex(graph, pool);
  const dom = computeDominators(graph, pool);
  const digest = makeDigest(graph, classes, pool);
  return { graph, classes, dom, digest };
}

/** Per class: what its marked objects (new, leaked) hold in this snapshot. */
function retainedByClass(
  graph: HeapGraph,
  classes: ClassIndex,
  dom: Dominators,
  digest: SnapshotDigest,
  marked: Uint8Array,
  pool: BufferPool,
): Float64Array {
  const include = pool.u8(graph.nodeCount);
  for (let i = 0; i < digest.ids.length; i++) if (marked[i]) include[digest.node[i]!] = 1;
  const out = new Float64Array(classes.names.length);
  classRetained(graph, classes, dom, out, include, pool);
  pool.give(include);
  return out;
}

/**
 * Objects held only by the stack or a handle scope at snapshot time (the last one a loop built,
 * say) explain nothing about a leak; samples with a path through the heap come first.
 */
function preferDurable(paths: RetainerPath[], per: number): RetainerPath[] {
  const transient = (p: RetainerPath) => (p.steps[1] === '(Stack roots)' || p.steps[1] === '(Handle scope)' ? 1 : 0);
  return paths
    .map((p, i) => ({ p, i }))
    .sort((a, b) => transient(a.p) - transient(b.p) || a.i - b.i)
    .slice(0, per)
    .sort((a, b) => a.i - b.i)
    .map((x) => x.p);
}

/**
 * For each wanted class, up to `per` marked objects spread evenly over the class's marked ones
 * (so samples are not all the oldest or all the newest). Returns node indices.
 */
function samplePaths(digest: SnapshotDigest, marked: Uint8Array, wanted: number[], per: number): number[][] {
  const slot = new Map(wanted.map((c, k) => [c, k] as [number, number]));
  const totals = new Array<number>(wanted.length).fill(0);
  for (let i = 0; i < digest.ids.length; i++) {
    if (!marked[i]) continue;
    const k = slot.get(digest.cls[i]!);
    if (k !== undefined) totals[k]!++;
  }
  const seen = new Array<number>(wanted.length).fill(0);
  const out: number[][] = wanted.map(() => []);
  for (let i = 0; i < digest.ids.length; i++) {
    if (!marked[i]) continue;
    const k = slot.get(digest.cls[i]!);
    if (k === undefined) continue;
    const total = totals[k]!;
    const picks = Math.min(per, total);
    const index = seen[k]!++;
    // Pick positions 0, total/picks, 2·total/picks … among the class's marked objects.
    const target = Math.floor((out[k]!.length * total) / picks);
    if (out[k]!.length < picks && index === target) out[k]!.push(digest.node[i]!);
  }
  return out;
}
