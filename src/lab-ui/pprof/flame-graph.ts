// A flame graph as an icicle (callers above callees, as pprof's web view draws it): each frame's width is
// its share of the samples. Click a frame to zoom into it, the root to zoom out. In a -base diff the
// width is the magnitude of the change and the colour its sign: red grew, blue shrank.
import { formatPercent, formatValue, shortFile, type CallNode, type SampleType } from '../../pprof/index.ts';
import { h } from '../dom.ts';

const ROW_PX = 22;
const MAX_DEPTH = 64;
const MAX_FRAMES = 2500;
/** frames narrower than this share of the view are not drawn */
const MIN_SHARE = 0.002;

function hash(s: string): number {
  let x = 0;
  for (let i = 0; i < s.length; i++) x = (x * 31 + s.charCodeAt(i)) | 0;
  return Math.abs(x);
}

/** the package a function belongs to: everything before the first "." after the last "/" */
function packageOf(name: string): string {
  const slash = name.lastIndexOf('/');
  const dot = name.indexOf('.', slash + 1);
  return dot > 0 ? name.slice(0, dot) : name;
}

function colour(n: CallNode, signed: boolean): string {
  if (signed) {
    const share = n.width ? Math.abs(n.value) / n.width : 0;
    const light = 92 - Math.round(share * 30);
    return n.value >= 0 ? `hsl(4 75% ${light}%)` : `hsl(212 70% ${light}%)`;
  }
  const h0 = hash(packageOf(n.name));
  return `hsl(${18 + (h0 % 34)} ${62 + (h0 % 20)}% ${76 + (h0 % 8)}%)`;
}

export function renderFlameGraph(root: CallNode, type: SampleType, signed: boolean): HTMLElement {
  const rows = h('div', { class: 'pp-flame-rows', role: 'group', 'aria-label': 'Flame graph' });
  const crumbs = h('div', { class: 'pp-flame-crumbs' });
  const el = h(
    'div',
    { class: 'pp-flame' },
    crumbs,
    h('div', { class: 'pp-flame-scroll' }, rows),
    h(
      'p',
      { class: 'lab-muted pp-note' },
      signed
        ? 'Width: how much a frame changed between the two profiles; red grew, blue shrank. Click a frame to zoom in.'
        : 'Width: share of the samples at and below a frame; callers above callees. Click a frame to zoom in.',
    ),
  );
  const parents = new Map<CallNode, CallNode>();
  const index = (n: CallNode) => n.children.forEach((c) => (parents.set(c, n), index(c)));
  index(root);

  const draw = (focus: CallNode) => {
    const path: CallNode[] = [];
    for (let n: CallNode | undefined = focus; n; n = parents.get(n)) path.unshift(n);
    crumbs.replaceChildren(
      ...path.map((n, i) =>
        i === path.length - 1
          ? h('span', { class: 'pp-crumb-here' }, n.name)
          : h('button', { type: 'button', class: 'pp-crumb', onclick: () => draw(n) }, n.name),
      ),
    );
    const frames: HTMLElement[] = [];
    let depth = 0;
    const total = focus.width || 1;
    const place = (n: CallNode, level: number, x: number) => {
      if (frames.length >= MAX_FRAMES || level > MAX_DEPTH) return;
      const share = n.width / total;
      if (share < MIN_SHARE) return;
      depth = Math.max(depth, level);
      const label = `${n.name}: ${formatValue(n.value, type, signed)} (${formatPercent(n.value, total)})${n.file ? `, ${shortFile(n.file)}` : ''}`;
      frames.push(
        h(
          'button',
          {
            type: 'button',
            class: 'pp-frame',
            title: label,
            'aria-label': label,
            style: `left:${(x * 100).toFixed(4)}%;width:${(share * 100).toFixed(4)}%;top:${level * ROW_PX}px;background:${colour(n, signed)}`,
            onclick: () => draw(n === focus ? (parents.get(n) ?? root) : n),
          },
          h('span', {}, n.name),
        ),
      );
      let cx = x;
      for (const c of n.children) {
        place(c, level + 1, cx);
        cx += c.width / total;
      }
    };
    place(focus, 0, 0);
    rows.style.height = `${(depth + 1) * ROW_PX}px`;
    rows.replaceChildren(...frames);
  };
  draw(root);
  return el;
}
