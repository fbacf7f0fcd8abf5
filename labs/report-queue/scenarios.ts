// Scenario drivers for the report-queue lab. Clients send their reports in bundles, one POST per
// bundle, one bundle after another (so arrival order is send order). Time is lab time: s.ms() scales it.
import { setTimeout as sleep } from 'node:timers/promises';
import { defineScenarios, formatCount, type ScenarioContext } from '#kit';

const SOURCES = ['web', 'ios', 'android', 'kiosk', 'partner-api'];
const KINDS = ['page_view', 'click', 'purchase', 'error', 'heartbeat'];

/** A bundle of `count` reports; the same bundle every time for the same count (seeded by position). */
export function bundle(count: number): string {
  const reports = [];
  for (let i = 0; i < count; i++)
    reports.push({ source: SOURCES[i % SOURCES.length], kind: KINDS[(i * 7) % KINDS.length], value: (i * 37) % 1000 });
  return JSON.stringify(reports);
}

/** Staging: a round of reports, then a quiet spell longer than the flush interval. Never 5,000 in one window. */
export const STAGING = { rounds: 3, bundlesPerRound: 2, bundleSize: 750, quietLabMs: 12_000 };
/** Production: bursts of 5,200 reports with short gaps; every batch fills up before its 10 s are over. */
export const PRODUCTION = { bursts: 16, bundlesPerBurst: 4, bundleSize: 1_300, gapLabMs: 2_000 };

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

export default defineScenarios({
  staging: async (s) => {
    const body = bundle(STAGING.bundleSize);
    for (let round = 1; round <= STAGING.rounds && !s.signal.aborted; round++) {
      for (let b = 0; b < STAGING.bundlesPerRound; b++) await sendBundle(s, body);
      s.progress(
        `round ${round} of ${STAGING.rounds}: ${formatCount(STAGING.bundlesPerRound * STAGING.bundleSize)} reports, then ${STAGING.quietLabMs / 1000} s of quiet`,
      );
      await sleep(s.ms(STAGING.quietLabMs), undefined, { signal: s.signal });
    }
    return `${formatCount(STAGING_REPORTS)} reports in ${STAGING.rounds} quiet rounds`;
  },

  production: async (s) => {
    const body = bundle(PRODUCTION.bundleSize);
    for (let burst = 1; burst <= PRODUCTION.bursts && !s.signal.aborted; burst++) {
      for (let b = 0; b < PRODUCTION.bundlesPerBurst; b++) await sendBundle(s, body);
      if (burst % 4 === 0)
        s.progress(
          `burst ${burst} of ${PRODUCTION.bursts}: ${formatCount(burst * PRODUCTION.bundlesPerBurst * PRODUCTION.bundleSize)} reports so far`,
        );
      await sleep(s.ms(PRODUCTION.gapLabMs), undefined, { signal: s.signal });
    }
    return `${formatCount(PRODUCTION_REPORTS)} reports in ${PRODUCTION.bursts} bursts of ${formatCount(PRODUCTION.bundlesPerBurst * PRODUCTION.bundleSize)}`;
  },
});
