// A lab needs more room than a text column. This widens the workspace beyond its column, centred on
// it but kept inside the viewport (a sidebar may sit on one side). Done with margins, not transforms:
// a transformed ancestor would misplace Monaco's fixed-position widgets (suggestions, hovers).
const MAX_WIDTH = 1320;
const GUTTER = 16;
/** The chapter layout's sticky side columns, which the widened lab may cover. */
const SIDE_COLUMNS = '.chapter-sidebar, .on-this-page';

export function breakOut(el: HTMLElement): { refresh(): void; stop(): void } {
  const place = () => {
    if (el.classList.contains('lab-app-full')) return;
    el.style.marginLeft = '';
    el.style.width = '';
    const parent = el.parentElement;
    if (!parent) return;
    const vw = document.documentElement.clientWidth;
    const box = parent.getBoundingClientRect();
    const width = Math.max(box.width, Math.min(MAX_WIDTH, vw - 2 * GUTTER));
    const centred = box.left + box.width / 2 - width / 2;
    let left = Math.max(GUTTER, Math.min(centred, vw - GUTTER - width));
    let right = left + width;
    // A side column the lab covers is covered whole: past 1300 px the lab ended a few pixels short
    // of both, and slivers of them (a "C", the current chapter's bar) peeked out at its edges.
    for (const side of document.querySelectorAll<HTMLElement>(SIDE_COLUMNS)) {
      const b = side.getBoundingClientRect();
      if (b.width === 0) continue;
      if (b.left < left && b.right > left) left = Math.max(0, b.left);
      if (b.right > right && b.left < right) right = Math.min(vw, b.right);
    }
    el.style.width = `${Math.round(right - left)}px`;
    el.style.marginLeft = `${Math.round(Math.min(0, left - box.left))}px`;
  };
  place();
  const ro = new ResizeObserver(place);
  ro.observe(document.documentElement);
  if (el.parentElement) ro.observe(el.parentElement);
  return { refresh: place, stop: () => ro.disconnect() };
}
