// A lab needs more room than a text column. This widens the workspace beyond its column, centred on
// it but kept inside the viewport (a sidebar may sit on one side). Done with margins, not transforms:
// a transformed ancestor would misplace Monaco's fixed-position widgets (suggestions, hovers).
const MAX_WIDTH = 1320;
const GUTTER = 16;

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
    const left = Math.max(GUTTER, Math.min(centred, vw - GUTTER - width));
    el.style.width = `${Math.round(width)}px`;
    el.style.marginLeft = `${Math.round(Math.min(0, left - box.left))}px`;
  };
  place();
  const ro = new ResizeObserver(place);
  ro.observe(document.documentElement);
  if (el.parentElement) ro.observe(el.parentElement);
  return { refresh: place, stop: () => ro.disconnect() };
}
