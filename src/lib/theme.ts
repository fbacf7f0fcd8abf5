// The site's light/dark theme: data-theme on <html> when the reader chose one (applied before paint by
// BaseLayout), else the OS preference. The header's toggle stores the opposite of what is showing now,
// so it always does what its state says; lab panels (editor, chart) follow changes with watchTheme().
import { THEME_KEY } from '../../contracts/storage-keys.ts';

export type Theme = 'light' | 'dark';

export function currentTheme(): Theme {
  const set = document.documentElement.dataset.theme;
  if (set === 'light' || set === 'dark') return set;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function initThemeToggle(): void {
  const root = document.documentElement;
  const buttons = document.querySelectorAll<HTMLButtonElement>('[data-theme-toggle]');
  const sync = () => {
    const dark = currentTheme() === 'dark';
    for (const b of buttons) b.setAttribute('aria-pressed', String(dark));
  };
  for (const button of buttons) {
    button.addEventListener('click', () => {
      const next = currentTheme() === 'dark' ? 'light' : 'dark';
      root.dataset.theme = next;
      try {
        localStorage.setItem(THEME_KEY, next);
      } catch {
        // storage blocked: the choice lasts for this page only
      }
      sync();
    });
  }
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', sync);
  sync();
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
