// The container the service runs in. Read-only. A container's memory limit applies to the whole
// process (every isolate, Buffer and native allocation), not only to the JavaScript heap; the V8 heap
// limit is set below it with --max-old-space-size (the lab's heapLimitMb) by whoever starts the process.
import type { ServiceContext } from '#kit';

/** The container's memory limit for the whole process (resident set size). */
export const CONTAINER_LIMIT_MB = 200;

const MB = 1024 * 1024;

/** Reports the process's peak RSS and heap use and the V8 heap limit in force, for the chart and the checks. */
export async function watchContainer(ctx: ServiceContext): Promise<void> {
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  sample();
  // Resident memory sampled often: a short spike between the chart's samples still counts against the
  // limit. memoryUsage.rss() is one system call; the full memoryUsage() walks every heap space.
  let ticks = 0;
  const timer = setInterval(() => {
    if (++ticks % 5 === 0) sample();
    else peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 10);
  timer.unref();
  ctx.gauge('peak RSS (MB)', () => (sample(), Math.round(peakRss / MB)));
  ctx.gauge('peak heap used (MB)', () => (sample(), Math.round(peakHeap / MB)));
  try {
    const v8 = await import('node:v8');
    ctx.gauge('heap limit (MB)', () => Math.round(v8.getHeapStatistics().heap_size_limit / MB));
  } catch {
    // a runtime without node:v8 cannot tell its heap limit; the chart simply lacks that line
  }
}
