// Signed numbers for the snapshot panel's diffs (with a true minus sign), on top of the one formatBytes.
import { formatBytes } from '../../../contracts/format.ts';

export function signedBytes(n: number): string {
  return n > 0 ? `+${formatBytes(n)}` : n < 0 ? `−${formatBytes(-n)}` : formatBytes(0);
}

export function count(n: number): string {
  return n.toLocaleString('en');
}

export function signedCount(n: number): string {
  return n > 0 ? `+${count(n)}` : n < 0 ? `−${count(-n)}` : '0';
}
