// Scenario drivers for the Go report-queue lab. Clients send their reports in bundles, one POST per
// bundle, one bundle after another (so arrival order is send order). Time is lab time: s.ms() scales it.
import { setTimeout as sleep } from 'node:timers/promises';
import { defineScenarios, formatCount, type ScenarioContext } from '#kit';

const SOURCES = ['web', 'ios', 'android', 'kiosk', 'partner-api'];
const KINDS = ['page_view', 'click', 'purchase', 'error', 'heartbeat'];

/** A bundle of `count` reports, varied by a seed so rounds do not repeat one another. */
export function bundle(count: number, seed = 1): string {
  const reports = [];
  for (let i = 0; i < count; i++) {
    const k = i * 7 + seed * 13;
    reports.push({ source: SOURCES[k % SOURCES.length], kind: KINDS[(k * 3) % KINDS.length], value: (k * 37) % 1000 });
  }
  return JSON.stringify(reports);
}

/** Staging: a round of reports, then a quiet spell longer than the flush interval. Never 5,000 in one window. */
export const STAGING = { rounds: 3, bundlesPerRound: 2, bundleSize: 750, quietLabMs: 12_000 };
/** Production: bursts of 5,200 reports with short gaps; every batch fills up before its 10 s are over. */
export const PRODUCTION = { bursts: 12, bundlesPerBurst: 4, bundleSize: 1_300, gapLabMs: 2_000 };

export const STAGING_REPORTS = STAGING.rounds * STAGING.bundlesPerRound * STAGING.bundleSize;
export const PRODUCTION_REPORTS = PRODUCTION.bursts * PRODUCTION.bundlesPerBurst * PRODUCTION.bundleSize;

/** POST one bundle; a refused or failed request stops the scenario with what happened. */
export async function sendBundle(s: ScenarioContext, body: string): Promise<void> {
  const r = await s.service.request('/report', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    timeoutMs: 10_000,
  });
  if (s.signal.aborted) return;
  if (r.error) throw new Error(`the service stopped answering (${r.error})`);
  if (r.status !== 202)
    throw new Error(
      `the service refused a bundle of reports with status ${r.status}: ${r.body.toString('utf8').slice(0, 200)}`,
    );
}

/** Production bursts; `bursts` lets a check split them into rounds. */
export async function production(s: ScenarioContext, bursts = PRODUCTION.bursts, seed = 1): Promise<void> {
  for (let burst = 1; burst <= bursts && !s.signal.aborted; burst++) {
    for (let b = 0; b < PRODUCTION.bundlesPerBurst; b++)
      await sendBundle(s, bundle(PRODUCTION.bundleSize, seed + burst * 5 + b));
    if (burst % 4 === 0)
      s.progress(
        `burst ${burst} of ${bursts}: ${formatCount(burst * PRODUCTION.bundlesPerBurst * PRODUCTION.bundleSize)} reports so far`,
      );
    await sleep(s.ms(PRODUCTION.gapLabMs), undefined, { signal: s.signal });
  }
}

export default defineScenarios({
  staging: async (s) => {
    for (let round = 1; round <= STAGING.rounds && !s.signal.aborted; round++) {
      for (let b = 0; b < STAGING.bundlesPerRound; b++) await sendBundle(s, bundle(STAGING.bundleSize, round * 3 + b));
      s.progress(
        `round ${round} of ${STAGING.rounds}: ${formatCount(STAGING.bundlesPerRound * STAGING.bundleSize)} reports, then ${STAGING.quietLabMs / 1000} s of quiet`,
      );
      await sleep(s.ms(STAGING.quietLabMs), undefined, { signal: s.signal });
    }
    return `${formatCount(STAGING_REPORTS)} reports in ${STAGING.rounds} quiet rounds`;
  },

  production: async (s) => {
    await production(s);
    return `${formatCount(PRODUCTION_REPORTS)} reports in ${PRODUCTION.bursts} bursts of ${formatCount(PRODUCTION.bundlesPerBurst * PRODUCTION.bundleSize)}`;
  },
});
