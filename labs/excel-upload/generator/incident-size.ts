// Writes the incident-sized workbooks (40,000 rows, generator/rows.ts) that the Go lab excel-upload-go
// imports, into labs/excel-upload/.incident-fixtures/ (gitignored: ~16 MB); the Go lab's generator copies
// them into its fixtures. The Node lab uses smaller ones (generate.ts) under its smaller heap limit.
// Deterministic: seeded rows, a real xlsx writer (exceljs), then the parts are reordered into a fixed
// layout with fixed timestamps so every run produces identical bytes.
// Run: node labs/excel-upload/generator/incident-size.ts [--force]
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
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { COLUMNS, OTHER_FIXTURES, WORKBOOKS, workbookRows, type WorkbookSpec } from './rows.ts';
import { deflatedPart, readZip, writeZip, type ZipPart } from './zip.ts';
import { bombSheet, NOT_XLSX } from './oversized.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const INCIDENT_FIXTURES_DIR = join(here, '..', '.incident-fixtures');
const FIXTURES_DIR = INCIDENT_FIXTURES_DIR;
const STAMP = join(here, '..', '.incident-fixtures-stamp');

/** Parts a streaming reader needs before the rows come first; the big worksheet comes last. */
function partRank(name: string): number {
  const order = [
    '[Content_Types].xml',
    '_rels/.rels',
    'xl/workbook.xml',
    'xl/_rels/workbook.xml.rels',
    'xl/styles.xml',
    'xl/sharedStrings.xml',
  ];
  const i = order.indexOf(name);
  if (i >= 0) return i;
  return name.startsWith('xl/worksheets/') ? 100 : 50;
}

function ordered(parts: ZipPart[]): ZipPart[] {
  return [...parts].sort((a, b) => partRank(a.name) - partRank(b.name) || (a.name < b.name ? -1 : 1));
}

async function workbookParts(spec: WorkbookSpec): Promise<ZipPart[]> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  // exceljs's streaming writer: same file format as its eager writer, a fraction of the time
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: true, useStyles: false });
  // fixed metadata: exceljs would otherwise stamp the current time into docProps/core.xml
  wb.creator = 'Leakbook';
  wb.created = wb.modified = new Date(Date.UTC(2024, 0, 1));
  const ws = wb.addWorksheet('Orders');
  ws.addRow([...COLUMNS]).commit();
  for (const row of workbookRows(spec)) ws.addRow(row).commit();
  ws.commit();
  await wb.commit();
  // drop folder entries: a workbook needs only its files
  return readZip(Buffer.concat(chunks)).filter((p) => !p.name.endsWith('/'));
}

/** One workbook's bytes, exactly as written to fixtures/. */
export async function workbookBytes(spec: WorkbookSpec): Promise<Buffer> {
  return writeZip(ordered(await workbookParts(spec)));
}

/** Writes the fixtures unless they are up to date. Safe to run concurrently: files appear by atomic rename. */
export async function generateIncidentSize(force = false): Promise<void> {
  const source = [
    join(here, 'incident-size.ts'),
    join(here, 'oversized.ts'),
    join(here, 'zip.ts'),
    join(here, 'rows.ts'),
  ]
    .map((f) => readFileSync(f))
    .reduce((h, b) => h.update(b), createHash('sha256'))
    .digest('hex');
  if (!force && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === source) return;
  mkdirSync(FIXTURES_DIR, { recursive: true });
  const tmp = mkdtempSync(join(here, '..', '.incident-fixtures-tmp-'));
  const put = (name: string, data: Buffer | string) => writeFileSync(join(tmp, name), data);
  try {
    let weekA: ZipPart[] = [];
    for (const spec of Object.values(WORKBOOKS)) {
      const parts = ordered(await workbookParts(spec));
      if (spec === WORKBOOKS.weekA) weekA = parts;
      put(spec.file, writeZip(parts));
    }
    const full = writeZip(weekA);
    put(OTHER_FIXTURES.truncated, full.subarray(0, Math.floor(full.length * 0.45)));
    put(OTHER_FIXTURES.notXlsx, NOT_XLSX);
    // 480,000 rows of ~570 bytes: over 250 MB of worksheet XML
    const bomb = await deflatedPart('xl/worksheets/sheet1.xml', bombSheet(480_000));
    put(OTHER_FIXTURES.oversized, writeZip(weekA.map((p) => (p.name === bomb.name ? bomb : p))));
    for (const name of readdirSync(tmp)) renameSync(join(tmp, name), join(FIXTURES_DIR, name));
    writeFileSync(STAMP + '.tmp', source);
    renameSync(STAMP + '.tmp', STAMP);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await generateIncidentSize(process.argv.includes('--force'));
  console.log(`incident-sized workbooks ready in ${FIXTURES_DIR} (${Date.now() - started} ms)`);
}
