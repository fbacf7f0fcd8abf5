// Scenario drivers for the Go excel-upload lab: the same workbooks as the Node lab (labs/excel-upload).
import { defineScenarios, formatCount, type HttpResult, type ScenarioContext } from '#kit';

export const FILES = {
  weekA: 'orders-week-a.xlsx',
  weekB: 'orders-week-b.xlsx',
  badRow: 'orders-bad-row.xlsx',
  small: 'orders-small.xlsx',
  oversized: 'orders-oversized.xlsx',
  notXlsx: 'orders-export.csv.xlsx',
  truncated: 'orders-truncated.xlsx',
  // valid zips whose worksheet XML ends early (generator/generate.ts): after a </row>, inside a cell
  sheetCutAtRow: 'orders-sheet-cut-at-row.xlsx',
  sheetCutMidRow: 'orders-sheet-cut-mid-row.xlsx',
} as const;

export function upload(s: ScenarioContext, body: Buffer): Promise<HttpResult> {
  const headers = { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
  return s.service.request('/imports', { method: 'POST', body, headers, timeoutMs: 60_000 });
}

export function answer(r: HttpResult): string {
  if (r.error) return `no answer (${r.error})`;
  const text = r.body.toString('utf8');
  try {
    const j = JSON.parse(text) as { imported?: number; error?: string };
    return `${r.status} ${j.imported !== undefined ? `${formatCount(j.imported)} rows imported` : (j.error ?? '')}`;
  } catch {
    return `${r.status} ${text.slice(0, 120)}`;
  }
}

export default defineScenarios({
  'eight-uploads': async (s) => {
    const files = [await s.fixture(FILES.weekA), await s.fixture(FILES.weekB)];
    let ok = 0;
    for (let i = 0; i < 8 && !s.signal.aborted; i++) {
      let r = await upload(s, files[i % 2]!);
      if (r.status === 0) r = await upload(s, files[i % 2]!); // the service died mid-upload: once more
      if (r.status === 201) ok++;
      s.progress(`upload ${i + 1} of 8: ${answer(r)}`);
    }
    return `${ok} of 8 uploads imported`;
  },
  'odd-files': async (s) => {
    const out: string[] = [];
    for (const name of [FILES.oversized, FILES.notXlsx, FILES.truncated, FILES.sheetCutAtRow, FILES.badRow]) {
      const r = await upload(s, await s.fixture(name));
      out.push(`${name}: ${answer(r)}`);
      s.progress(out.at(-1)!);
    }
    return out.join('; ');
  },
});
