// Entry point: builds the reporting service from app.ts and registers the lab's gauges.
// Read-only: the gauges are how the chart and the checks see the service.
import { defineService } from '#kit';
import { buildApp } from './app.ts';
import { traffic } from './chain.ts';
import { ledger } from './ledger.ts';

/** Live zlib handles as Node itself sees them (async_hooks), where the runtime supports it. */
async function trackZlibHandles(): Promise<Set<number> | null> {
  try {
    const { createHook } = await import('node:async_hooks');
    const live = new Set<number>();
    createHook({
      init(id, type) {
        if (type === 'ZLIB') live.add(id);
      },
      destroy(id) {
        live.delete(id);
      },
    }).enable();
    return live;
  } catch {
    return null;
  }
}

export default defineService(async (ctx) => {
  ctx.gauge('live gzip streams', () => ledger.alive);
  ctx.gauge('gzip streams opened', () => ledger.opened);
  ctx.gauge('responses cut off by clients', () => traffic.cutOff);
  const zlibHandles = await trackZlibHandles();
  if (zlibHandles) ctx.gauge('zlib handles', () => zlibHandles.size);
  const app = buildApp(ctx);
  return { server: app.server() };
});
