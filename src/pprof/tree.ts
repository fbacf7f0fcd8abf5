// The call tree behind a flame graph: root = all samples, children = callees by function (name and file),
// each node with its cumulative value (itself and below) and self value. Negative values (a -base diff) count by
// magnitude for the width, so a frame that shrank is still drawn; the signed value stays on the node.
import type { ParsedProfile } from './decode.ts';

export interface CallNode {
  name: string;
  /** file:line of the first sample that reached this node (for the tooltip) */
  file: string;
  line: number;
  /** Σ |value| at and below this node: the width */
  width: number;
  /** signed Σ value at and below this node */
  value: number;
  /** signed value of samples ending here */
  self: number;
  children: CallNode[];
}

export function callTree(p: ParsedProfile, valueIndex: number): CallNode {
  const root: CallNode = { name: 'all', file: '', line: 0, width: 0, value: 0, self: 0, children: [] };
  const index = new Map<CallNode, Map<string, CallNode>>();
  for (const s of p.samples) {
    const v = s.values[valueIndex] ?? 0;
    if (v === 0) continue;
    let node = root;
    node.width += Math.abs(v);
    node.value += v;
    for (let i = s.stack.length - 1; i >= 0; i--) {
      const f = p.frames[s.stack[i]!]!;
      let kids = index.get(node);
      if (!kids) index.set(node, (kids = new Map()));
      const key = `${f.name}\u0000${f.file}`;
      let child = kids.get(key);
      if (!child) {
        child = { name: f.name, file: f.file, line: f.line, width: 0, value: 0, self: 0, children: [] };
        kids.set(key, child);
        node.children.push(child);
      }
      child.width += Math.abs(v);
      child.value += v;
      node = child;
    }
    node.self += v;
  }
  const order = (n: CallNode) => {
    n.children.sort((a, b) => b.width - a.width || a.name.localeCompare(b.name));
    n.children.forEach(order);
  };
  order(root);
  return root;
}
