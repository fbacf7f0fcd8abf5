// A tiny element builder so panels read as markup without a UI framework (lab UI, snapshot panel,
// progress page).
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const c of children)
    if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'number' ? String(c) : c);
}

/** An inline SVG icon from a path (16×16 viewBox), hidden from assistive tech. */
export function icon(path: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const p = document.createElementNS(ns, 'path');
  p.setAttribute('d', path);
  p.setAttribute('fill', 'currentColor');
  svg.append(p);
  return svg;
}

export const ICONS = {
  play: 'M4 2.5v11l9-5.5z',
  stop: 'M3.5 3.5h9v9h-9z',
  check: 'M6.2 11.6 2.7 8.1l1.1-1.1 2.4 2.4 6-6 1.1 1.1z',
  cross: 'M4.2 3.1 8 6.9l3.8-3.8 1.1 1.1L9.1 8l3.8 3.8-1.1 1.1L8 9.1l-3.8 3.8-1.1-1.1L6.9 8 3.1 4.2z',
  camera:
    'M5.5 3 4.5 4.5H2.5A1.5 1.5 0 0 0 1 6v6a1.5 1.5 0 0 0 1.5 1.5h11A1.5 1.5 0 0 0 15 12V6a1.5 1.5 0 0 0-1.5-1.5h-2L10.5 3zM8 6.2a2.8 2.8 0 1 1 0 5.6 2.8 2.8 0 0 1 0-5.6',
  reset: 'M8 2.5a5.5 5.5 0 1 1-5.3 7h1.6A4 4 0 1 0 5.2 5.2L7 7H2.5V2.5l1.6 1.6A5.5 5.5 0 0 1 8 2.5',
  bulb: 'M8 1.5a4.5 4.5 0 0 0-2.6 8.2V11.5h5.2V9.7A4.5 4.5 0 0 0 8 1.5M5.8 12.8h4.4v1H5.8zm1 1.7h2.4v.5H6.8z',
  lock: 'M5 7V5a3 3 0 0 1 6 0v2h1v7H4V7zm1.5 0h3V5a1.5 1.5 0 0 0-3 0z',
  download: 'M7.25 2h1.5v6.2l2.2-2.2 1.05 1.05L8 11.1 3.95 7.05 5 6l2.25 2.2zM3 12.5h10V14H3z',
  expand: 'M2 2h5v1.5H3.5V7H2zm7 0h5v5h-1.5V3.5H9zM2 9h1.5v3.5H7V14H2zm10.5 0H14v5H9v-1.5h3.5z',
  collapse: 'M5.5 2H7v5H2V5.5h3.5zM9 2h1.5v3.5H14V7H9zM2 9h5v5H5.5v-3.5H2zm7 0h5v1.5h-3.5V14H9z',
  play2: 'M3 2.5v11l4.5-2.75V13.5l6.5-5.5-6.5-5.5v2.75z',
  solution: 'M2 3h5v1.5H3.5v8H7V14H2zm7 0h5v11H9v-1.5h3.5v-8H9zM7.25 6h1.5v4h-1.5z',
  trash: 'M6 1.5h4V3h3.5v1.5h-11V3H6zM3.8 5.5h8.4l-.7 9H4.5z',
} as const;

/** Adds a stylesheet once (CSS of the lab island is injected at Start, never linked by chapter pages). */
export function injectStyle(key: string, css: string): void {
  if (document.head.querySelector(`style[data-lab-style="${key}"]`)) return;
  const style = document.createElement('style');
  style.dataset.labStyle = key;
  style.textContent = css;
  document.head.append(style);
}
