// The one formatBytes, used by check messages, the runner's refusals, the CLI and the lab panel.
import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../contracts/format.ts';

describe('formatBytes', () => {
  it.each([
    [0, '0 bytes'],
    [512, '512 bytes'],
    [1023, '1023 bytes'],
    [1024, '1.0 KB'],
    [1536, '1.5 KB'],
    [300_032, '293.0 KB'],
    [3_400_000, '3.2 MB'],
    [250 * 1024 * 1024, '250.0 MB'],
    [-2.5 * 1024 * 1024, '-2.5 MB'],
    [5 * 1024 ** 3, '5.0 GB'],
    [NaN, '–'],
  ])('%d -> %s', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });

  it.each([
    [256 * 1024, '256 KB'],
    [1024 * 1024, '1 MB'],
    [1.5 * 1024 * 1024, '1.5 MB'],
    [100, '100 bytes'],
  ])('a limit of %d reads %s', (n, text) => {
    expect(formatBytes(n, { limit: true })).toBe(text);
  });
});
