// Numbers for people, shared by the kit (check messages), the runner, the CLI and the site.

export interface FormatBytesOptions {
  /** a size that was set rather than measured (a limit): a zero decimal is dropped, 1 MB reads "1 MB" */
  limit?: boolean;
}

/**
 * Bytes for people, with one decimal from KB up: 3_400_000 -> "3.2 MB", 300_032 -> "293.0 KB",
 * 512 -> "512 bytes"; formatBytes(262_144, { limit: true }) -> "256 KB".
 */
export function formatBytes(n: number, opts: FormatBytesOptions = {}): string {
  if (!Number.isFinite(n)) return '–';
  const units = ['bytes', 'KB', 'MB', 'GB'];
  let i = 0;
  let v = Math.abs(n);
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const fixed = i === 0 ? v.toFixed(0) : v.toFixed(1);
  return `${n < 0 ? '-' : ''}${opts.limit ? fixed.replace(/\.0$/, '') : fixed} ${units[i]}`;
}
