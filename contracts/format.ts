// Numbers for people, shared by the kit (check messages), the runner and the site.

/**
 * Bytes for people: 512 -> "512 bytes", 262144 -> "256 KB", 3_400_000 -> "3.2 MB", 250 MB -> "250 MB".
 * One decimal below 100 unless it is zero; none for bytes or from 100 up.
 */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const units = ['bytes', 'KB', 'MB', 'GB'];
  let i = 0;
  let v = Math.abs(n);
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = i === 0 || v >= 100 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, '');
  return `${n < 0 ? '-' : ''}${digits} ${units[i]}`;
}
