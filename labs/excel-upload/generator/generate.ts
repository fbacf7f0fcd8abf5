// The excel-upload lab's workbooks, the files its scenarios upload and two of its checks read (the
// oversized ones: deflating hundreds of MB during every Check would take seconds). Deterministic: seeded
// rows (rows.ts) through the checks' own .xlsx writer (xlsx.ts), fixed parts, no timestamps, so every run
// produces identical bytes. Node built-ins only.
// - buildFixtures(): the files in memory. The page's container has no fixtures/ (shipping ~4 MB of
//   workbooks would make the lab's bundle too big): its supervisor calls this instead (kit/fixtures.ts).
// - generate(): writes them into labs/excel-upload/fixtures/ (gitignored) for local workspaces, unless
//   they are up to date. Run: node labs/excel-upload/generator/generate.ts [--force]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COLUMNS } from './rows.ts';
import { LAB_FIXTURES, LAB_WORKBOOKS, labWorkbook } from './workbooks.ts';
import { xlsxParts } from './xlsx.ts';
import { deflatedPart, writeZip, type ZipPart } from './zip.ts';
import { bombSheet, bombStrings, NOT_XLSX } from './oversized.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES_DIR = join(here, '..', 'fixtures');
// outside fixtures/, which is copied into every workspace as it is
const STAMP = join(here, '..', '.fixtures-stamp');
const SOURCES = ['generate.ts', 'oversized.ts', 'rows.ts', 'workbooks.ts', 'xlsx.ts', 'zip.ts'];

/** Every fixture of the lab: file name -> bytes. */
export async function buildFixtures(): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const spec of Object.values(LAB_WORKBOOKS)) files.set(spec.file, labWorkbook(spec, 9).body);
  const weekA = labWorkbook(LAB_WORKBOOKS.weekA, 9).body;
  files.set(LAB_FIXTURES.truncated, weekA.subarray(0, Math.floor(weekA.length * 0.45)));
  files.set(LAB_FIXTURES.notXlsx, Buffer.from(NOT_XLSX));
  const small = xlsxParts([{ name: 'Orders', rows: [[...COLUMNS]] }], { level: 9 });
  const swap = (parts: ZipPart[], part: ZipPart) => writeZip(parts.map((p) => (p.name === part.name ? part : p)));
  // 480,000 rows of ~570 bytes: over 250 MB of worksheet XML in about 1.4 MB
  files.set(LAB_FIXTURES.oversized, swap(small, await deflatedPart('xl/worksheets/sheet1.xml', bombSheet(480_000))));
  // 1,048,576 strings of 106 characters: about 120 MB of shared strings
  files.set(
    LAB_FIXTURES.oversizedStrings,
    swap(small, await deflatedPart('xl/sharedStrings.xml', bombStrings(1 << 20))),
  );
  return files;
}

/** Writes the fixtures unless they are up to date. Safe to run concurrently: files appear by atomic rename. */
export async function generate(force = false): Promise<void> {
  const source = SOURCES.map((f) => readFileSync(join(here, f)))
    .reduce((h, b) => h.update(b), createHash('sha256'))
    .digest('hex');
  if (!force && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === source) return;
  mkdirSync(FIXTURES_DIR, { recursive: true });
  const tmp = mkdtempSync(join(here, '..', '.fixtures-tmp-'));
  try {
    const files = await buildFixtures();
    for (const [name, data] of files) writeFileSync(join(tmp, name), data);
    for (const name of files.keys()) renameSync(join(tmp, name), join(FIXTURES_DIR, name));
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
