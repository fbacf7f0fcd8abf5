// Uploads for the order service: the incident's eight workbooks, the odd files, and two at once.
// The helpers are shared with the checks.
import { defineScenarios, formatBytes, type HttpResult, type ScenarioContext, type ServiceControl } from '#kit';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The eight uploads alternate between two weeks of the same 10,000 orders. */
export const EIGHT_UPLOADS = ['orders-week-a.xlsx', 'orders-week-b.xlsx'];

export const ODD_FILES = [
  { file: 'orders-oversized.xlsx', what: 'an oversized workbook' },
  { file: 'orders-export.csv.xlsx', what: 'a CSV renamed to .xlsx' },
  { file: 'orders-truncated.xlsx', what: 'a truncated workbook' },
  { file: 'orders-bad-row.xlsx', what: 'a workbook with an unusable row' },
];

export function upload(service: ServiceControl, body: Buffer, timeoutMs = 60_000): Promise<HttpResult> {
  return service.request('/upload', { method: 'POST', headers: { 'content-type': XLSX_TYPE }, body, timeoutMs });
}

/** The error text of a JSON answer ({ error }) or the raw body. */
export function answerText(r: HttpResult): string {
  const text = r.body.toString('utf8');
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (parsed && typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON: show it as it is
  }
  return text.slice(0, 300);
}

export function describe(r: HttpResult): string {
  if (r.status === 0) return `no answer (${r.error ?? 'connection failed'})`;
  const text = answerText(r);
  return `${r.status}${text ? ` ${text.slice(0, 160)}` : ''}`;
}

/** Whether the service died since `exitsBefore` exits were seen (a dead service's answer is status 0). */
export async function diedSince(service: ServiceControl, exitsBefore: number, r: HttpResult): Promise<boolean> {
  if (service.exits().length > exitsBefore) return true;
  if (r.status !== 0) return false;
  // the connection broke: the exit may be reported a moment after the broken request
  for (let i = 0; i < 40 && service.exits().length === exitsBefore; i++)
    await new Promise((res) => setTimeout(res, 50));
  return service.exits().length > exitsBefore;
}

/** Upload, honouring 429/503 + Retry-After (lab seconds) up to `tries` times. */
export async function uploadWithRetry(
  s: ScenarioContext,
  body: Buffer,
  tries = 6,
): Promise<{ result: HttpResult; toldToWait: number }> {
  let toldToWait = 0;
  for (let i = 1; ; i++) {
    const result = await upload(s.service, body);
    const retryAfter = Number(result.headers['retry-after']);
    if ((result.status === 429 || result.status === 503) && i < tries && Number.isFinite(retryAfter)) {
      toldToWait++;
      await new Promise((r) => setTimeout(r, s.ms(Math.max(0, retryAfter) * 1000)));
      continue;
    }
    return { result, toldToWait };
  }
}

export default defineScenarios({
  'eight-uploads': async (s) => {
    let ok = 0;
    let died = 0;
    for (let i = 0; i < 8 && !s.signal.aborted; i++) {
      const file = EIGHT_UPLOADS[i % 2]!;
      const body = await s.fixture(file);
      s.progress(`upload ${i + 1} of 8: ${file} (${formatBytes(body.length)})`);
      const exitsBefore = s.service.exits().length;
      const r = await upload(s.service, body);
      const crashed = await diedSince(s.service, exitsBefore, r);
      if (r.status === 200) ok++;
      if (crashed) died++;
      s.progress(
        `upload ${i + 1} of 8: ${crashed ? 'the service died during the upload and is being restarted' : describe(r)}`,
      );
      // let the chart show the level after each upload before the next one starts
      await new Promise((r) => setTimeout(r, s.ms(3000)));
    }
    return `${ok} of 8 uploads imported; the service died ${died} time${died === 1 ? '' : 's'}`;
  },

  'odd-files': async (s) => {
    const lines: string[] = [];
    for (const { file, what } of ODD_FILES) {
      if (s.signal.aborted) break;
      const body = await s.fixture(file);
      s.progress(`uploading ${what} (${file}, ${formatBytes(body.length)})`);
      const exitsBefore = s.service.exits().length;
      const r = await upload(s.service, body, 30_000);
      const crashed = await diedSince(s.service, exitsBefore, r);
      const line = `${what}: ${crashed ? 'the service died' : describe(r)}`;
      s.progress(line);
      lines.push(line);
    }
    return lines.join('; ');
  },

  'two-at-once': async (s) => {
    const bodies = await Promise.all(EIGHT_UPLOADS.map((f) => s.fixture(f)));
    s.progress('two 10,000-row uploads start at the same moment');
    const results = await Promise.all(bodies.map((b) => uploadWithRetry(s, b)));
    return results
      .map(
        ({ result, toldToWait }, i) =>
          `upload ${i + 1}: ${describe(result)}${toldToWait ? ` (told to retry ${toldToWait}×)` : ''}`,
      )
      .join('; ');
  },
});
