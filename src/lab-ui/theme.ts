// Follows the site's theme (data-theme on <html>, else the OS preference) and tells panels when it flips.
export type Theme = 'light' | 'dark';

export function currentTheme(): Theme {
  const set = document.documentElement.dataset.theme;
  if (set === 'light' || set === 'dark') return set;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Calls back with the new theme whenever it changes. Returns a function that stops watching. */
export function watchTheme(onChange: (theme: Theme) => void): () => void {
  let last = currentTheme();
  const check = () => {
    const now = currentTheme();
    if (now !== last) {
      last = now;
      onChange(now);
    }
  };
  const mo = new MutationObserver(check);
  mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class'] });
  const mq = matchMedia('(prefers-color-scheme: dark)');
  mq.addEventListener('change', check);
  return () => {
    mo.disconnect();
    mq.removeEventListener('change', check);
  };
}

/** A CSS custom property of the page, resolved (for canvas drawing). */
export function cssVar(el: Element, name: string, fallback: string): string {
  const v = getComputedStyle(el).getPropertyValue(name).trim();
  return v || fallback;
}
