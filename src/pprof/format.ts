// Values of a profile in the unit of its sample type, as pprof prints them (bytes in KB/MB, counts plain).
import { formatBytes } from '../../contracts/format.ts';
import type { SampleType } from './decode.ts';

export function formatValue(v: number, type: SampleType, signed = false): string {
  if (v === 0) return '0';
  const sign = v < 0 ? '−' : signed && v > 0 ? '+' : '';
  const a = Math.abs(v);
  const text =
    type.unit === 'bytes'
      ? formatBytes(a)
      : type.unit === 'nanoseconds'
        ? `${(a / 1e6).toFixed(a >= 1e7 ? 0 : 2)} ms`
        : a.toLocaleString('en-US');
  return sign + text;
}

export function formatPercent(v: number, total: number): string {
  if (!total) return '0%';
  const p = (v / total) * 100;
  return `${p < 0 ? '−' : ''}${Math.abs(p).toFixed(Math.abs(p) >= 10 ? 1 : 2)}%`;
}

/** A short name for a source path: the last two segments (module paths are long). */
export function shortFile(file: string): string {
  const parts = file.split('/');
  return parts.slice(-2).join('/');
}
