// Light/dark toggle. Without a stored choice the OS preference rules (CSS media query); a click stores
// the opposite of what is showing now, so the toggle always does what its state says.
import { THEME_KEY } from '../../contracts/storage-keys.ts';

function effectiveTheme(root: HTMLElement): 'light' | 'dark' {
  const set = root.dataset.theme;
  if (set === 'light' || set === 'dark') return set;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function initThemeToggle(): void {
  const root = document.documentElement;
  const buttons = document.querySelectorAll<HTMLButtonElement>('[data-theme-toggle]');
  const sync = () => {
    const dark = effectiveTheme(root) === 'dark';
    for (const b of buttons) b.setAttribute('aria-pressed', String(dark));
  };
  for (const button of buttons) {
    button.addEventListener('click', () => {
      const next = effectiveTheme(root) === 'dark' ? 'light' : 'dark';
      root.dataset.theme = next;
      try {
        localStorage.setItem(THEME_KEY, next);
      } catch {
        // storage blocked: the choice lasts for this page only
      }
      sync();
    });
  }
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', sync);
  sync();
}
