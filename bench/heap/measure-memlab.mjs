// Child process: the same work as measure-leakbook.ts — parse both snapshots, retained sizes
// (memlab's dominator pass), shortest paths, per-class summary, id-based diff, sample retainer
// paths — done with memlab's heap parser. Prints {ms, maxRssMb, ...} as JSON.
// Usage: node measure-memlab.mjs <memlab install prefix> <before> <after>
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [prefix, before, after] = process.argv.slice(2);
const require = createRequire(join(prefix, 'node_modules', 'index.js'));
const memlab = require('@memlab/core');
const { utils, TraceFinder, config } = memlab;
config.muteConsole = true;

function summarize(snapshot) {
  const classes = new Map();
  snapshot.nodes.forEach((node) => {
    const key = node.type === 'object' || node.type === 'native' ? node.name : `(${node.type})`;
    let row = classes.get(key);
    if (!row) classes.set(key, (row = { count: 0, shallow: 0, retained: 0 }));
    row.count++;
    row.shallow += node.self_size;
    row.retained += node.retainedSize;
  });
  return classes;
}

async function load(file) {
  const snapshot = await utils.getSnapshotFromFile(file, { buildNodeIdIndex: true });
  const finder = new TraceFinder();
  finder.annotateShortestPaths(snapshot);
  finder.calculateAllNodesRetainedSizes(snapshot);
  return { snapshot, finder };
}

const started = performance.now();
let first = await load(before); // dropped below so GC can free it before the second load
const beforeClasses = summarize(first.snapshot);
const beforeIds = new Set();
first.snapshot.nodes.forEach((node) => {
  beforeIds.add(node.id);
});
first = null; // eslint-disable-line no-useless-assignment

const { snapshot, finder } = await load(after);
const afterClasses = summarize(snapshot);
const added = new Map();
snapshot.nodes.forEach((node) => {
  if (beforeIds.has(node.id)) return;
  const key = node.type === 'object' || node.type === 'native' ? node.name : `(${node.type})`;
  let list = added.get(key);
  if (!list) added.set(key, (list = []));
  if (list.length < 3) list.push(node);
});
const growth = [...afterClasses]
  .map(([name, row]) => ({
    name,
    deltaCount: row.count - (beforeClasses.get(name)?.count ?? 0),
    deltaSize: row.shallow - (beforeClasses.get(name)?.shallow ?? 0),
  }))
  .sort((a, b) => b.deltaSize - a.deltaSize);
let paths = 0;
for (const row of growth.filter((r) => r.deltaCount > 0).slice(0, 20)) {
  for (const node of added.get(row.name) ?? []) if (finder.getPathToGCRoots(snapshot, node)) paths++;
}
const ms = performance.now() - started;
process.stdout.write(
  JSON.stringify({
    ms,
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    nodes: snapshot.nodes.length,
    classes: afterClasses.size,
    topGrowth: growth[0],
    orderDelta: growth.find((r) => r.name === 'Order')?.deltaCount ?? 0,
    paths,
  }),
);
