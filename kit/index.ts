// What lab code imports as '#kit'. The define* helpers only give lab modules their types; the
// supervisor and the service host (kit/supervisor.ts, kit/host.ts) do the running.
import type { Check, Scenario, ServiceFactory } from './types.ts';

export type * from './types.ts';
export { seeded, type Rng } from './random.ts';

/** The entry module's default export: builds the service; the kit listens it on 127.0.0.1. */
export function defineService(factory: ServiceFactory): ServiceFactory {
  if (typeof factory !== 'function') throw new TypeError('defineService expects a function (ctx) => ({ server })');
  return factory;
}

/** scenarios.ts default export: scenario id (as in lab.json) -> driver. */
export function defineScenarios<T extends Record<string, Scenario>>(scenarios: T): T {
  return scenarios;
}

/** checks/index.ts default export: task id (as in lab.json) -> check. */
export function defineChecks<T extends Record<string, Check>>(checks: T): T {
  return checks;
}

/** Lab time for people: formatCount(2000) -> "2,000" (checks' messages read like observations). */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Bytes for people: formatBytes(3_400_000) -> "3.2 MB". */
export { formatBytes } from '../contracts/format.ts';

/**
 * Run fn(0..count-1) with at most `concurrency` in flight; stops early (without throwing) when the signal
 * aborts. Resolves with how many calls completed. The scenario drivers' bounded-load helper.
 */
export async function forEachLimit(
  count: number,
  concurrency: number,
  fn: (i: number) => Promise<unknown>,
  signal?: AbortSignal,
): Promise<number> {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < count && !signal?.aborted) {
      const i = next++;
      await fn(i);
      done++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
  return done;
}
export * from './go-checks.ts';
export * from './node-checks.ts';
