// Vendored libraries keep their real class names: a heap snapshot of a process holding an exceljs
// workbook (the excel-upload lab's vendor/exceljs.js as the workspace gets it) names Workbook,
// Worksheet, Row and Cell, so the reader's comparison points at the library's own classes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLab } from '../../engine/load-lab.ts';
import { vendorFiles } from '../../engine/vendor.ts';
import { analyzeSnapshots } from '../../src/analysis/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'leakbook-vendor-names-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Holds 200 rows of a workbook alive and writes a heap snapshot of itself; then streams the same
// workbook back through the reader the lab's solution uses and prints how many rows it saw.
const holder = `
import ExcelJS from './exceljs.js';
import { Readable } from 'node:stream';
import { writeHeapSnapshot } from 'node:v8';
const wb = new ExcelJS.Workbook();
const ws = wb.addWorksheet('orders');
for (let i = 1; i <= 200; i++) ws.addRow([i, 'sku-' + i, i * 1.5]);
globalThis.keep = wb;
writeHeapSnapshot(process.argv[2]);
const bytes = Buffer.from(await wb.xlsx.writeBuffer());
let rows = 0;
for await (const sheet of new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), {}))
  for await (const row of sheet) if (row.values[2] === 'sku-' + row.number) rows++;
console.log(rows);
`;

describe('vendored bundles', () => {
  it(
    'exceljs classes keep their names in a heap snapshot, and the bundle still reads a workbook',
    { timeout: 120_000 },
    async () => {
      const files = await vendorFiles(loadLab('excel-upload'));
      expect(Object.keys(files)).toContain('exceljs.js');
      writeFileSync(join(dir, 'exceljs.js'), files['exceljs.js']!);
      writeFileSync(join(dir, 'holder.mjs'), holder);
      const file = join(dir, 'held.heapsnapshot');
      const out = execFileSync(process.execPath, [join(dir, 'holder.mjs'), file], { cwd: dir, encoding: 'utf8' });
      expect(out.trim()).toBe('200');
      const report = await analyzeSnapshots([readFileSync(file)]);
      const counts = new Map(report.snapshots[0]!.classes.map((c) => [c.name, c.count]));
      expect(counts.get('Workbook')).toBe(1);
      expect(counts.get('Worksheet')).toBe(1);
      expect(counts.get('Row')).toBeGreaterThanOrEqual(200);
      expect(counts.get('Cell')).toBeGreaterThanOrEqual(600);
    },
  );
});
