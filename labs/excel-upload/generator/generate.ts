// Writes the excel-upload lab's workbooks into labs/excel-upload/fixtures/ (gitignored: ~4 MB), the files
// its scenarios upload. Deterministic: seeded rows (checks/rows.ts) through the checks' own .xlsx writer
// (checks/xlsx.ts), fixed parts, no timestamps, so every run produces identical bytes. The checks build
// their workbooks the same way during a Check; only the two oversized ones are read from here (deflating
// hundreds of MB takes seconds).
// Run: node labs/excel-upload/generator/generate.ts [--force]
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COLUMNS } from '../checks/rows.ts';
import { LAB_FIXTURES, LAB_WORKBOOKS, labWorkbook } from '../checks/workbooks.ts';
import { xlsxParts } from '../checks/xlsx.ts';
import { deflatedPart, writeZip, type ZipPart } from '../checks/zip.ts';
import { bombSheet, NOT_XLSX } from './incident-size.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES_DIR = join(here, '..', 'fixtures');
// outside fixtures/, which is copied into every workspace as it is
const STAMP = join(here, '..', '.fixtures-stamp');
const SOURCES = [
  'generator/generate.ts',
  'generator/incident-size.ts',
  'checks/rows.ts',
  'checks/workbooks.ts',
  'checks/xlsx.ts',
  'checks/zip.ts',
];

/** A shared strings part with the header's names first, then `copies` of one long value: over 100 MB. */
function* bombStrings(copies: number): Generator<string> {
  yield '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">';
  yield COLUMNS.map((c) => `<si><t>${c}</t></si>`).join('');
  const item = `<si><t>${'Standing desk, oak veneer, cable tray, 160 x 80 cm '.repeat(2)}</t></si>`.repeat(1024);
  for (let done = 0; done < copies; done += 1024) yield item;
  yield '</sst>';
}

/** Writes the fixtures unless they are up to date. Safe to run concurrently: files appear by atomic rename. */
export async function generate(force = false): Promise<void> {
  const source = SOURCES.map((f) => readFileSync(join(here, '..', f)))
    .reduce((h, b) => h.update(b), createHash('sha256'))
    .digest('hex');
  if (!force && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === source) return;
  mkdirSync(FIXTURES_DIR, { recursive: true });
  const tmp = mkdtempSync(join(here, '..', '.fixtures-tmp-'));
  const put = (name: string, data: Buffer | string) => writeFileSync(join(tmp, name), data);
  try {
    for (const spec of Object.values(LAB_WORKBOOKS)) put(spec.file, labWorkbook(spec, 9).body);
    const weekA = labWorkbook(LAB_WORKBOOKS.weekA, 9).body;
    put(LAB_FIXTURES.truncated, weekA.subarray(0, Math.floor(weekA.length * 0.45)));
    put(LAB_FIXTURES.notXlsx, NOT_XLSX);
    const small = xlsxParts([{ name: 'Orders', rows: [[...COLUMNS]] }], { level: 9 });
    const swap = (parts: ZipPart[], part: ZipPart) => writeZip(parts.map((p) => (p.name === part.name ? part : p)));
    // 480,000 rows of ~570 bytes: over 250 MB of worksheet XML in about 1.4 MB
    put(LAB_FIXTURES.oversized, swap(small, await deflatedPart('xl/worksheets/sheet1.xml', bombSheet(480_000))));
    // 1,048,576 strings of 106 characters: about 120 MB of shared strings
    put(LAB_FIXTURES.oversizedStrings, swap(small, await deflatedPart('xl/sharedStrings.xml', bombStrings(1 << 20))));
    for (const name of readdirSync(tmp)) renameSync(join(tmp, name), join(FIXTURES_DIR, name));
    writeFileSync(STAMP + '.tmp', source);
    renameSync(STAMP + '.tmp', STAMP);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await generate(process.argv.includes('--force'));
  console.log(`excel-upload fixtures ready in ${FIXTURES_DIR} (${Date.now() - started} ms)`);
}
