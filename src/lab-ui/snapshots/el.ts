// Element builder and number formatting for the snapshot panel.
export { h as el } from '../dom.ts';

export function bytes(n: number): string {
  const sign = n < 0 ? '−' : '';
  let v = Math.abs(n);
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${sign}${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function signedBytes(n: number): string {
  return n > 0 ? `+${bytes(n)}` : n === 0 ? '0 B' : bytes(n);
}

export function count(n: number): string {
  return n.toLocaleString('en');
}

export function signedCount(n: number): string {
  return n > 0 ? `+${count(n)}` : n < 0 ? `−${count(-n)}` : '0';
}
