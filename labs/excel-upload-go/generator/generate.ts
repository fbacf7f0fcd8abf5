// The Go excel lab's workbooks (checks/workbooks.ts): week A, week B and the bad-row workbook at this
// lab's size, written with the Node lab's deterministic workbook writer; week A cut off at 45 % (a
// truncated zip); the small workbook, the oversized one and the CSV copied from the Node lab's
// incident-sized fixtures; and two made here from week B: valid zips whose worksheet XML ends early, once right after a </row> and once
// inside a cell (excelize's row reader stops at both without an error: tests/go-claims/excelize_test.go).
// A stamp (a hash of every source the files come from) lets a Check skip all of it when nothing changed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OTHER_FIXTURES } from '../checks/rows.ts';
import { CUT_ROW, WORKBOOKS } from '../checks/workbooks.ts';

const here = dirname(fileURLToPath(import.meta.url));
const TARGET = join(here, '..', 'fixtures');
const STAMP = join(here, '..', '.fixtures-stamp');
const NODE_GENERATOR = join(here, '..', '..', 'excel-upload', 'generator');

/** Cut-sheet workbooks: week B's rows up to the cut (sheet row CUT_ROW). */
export const CUT_SHEETS = {
  atRow: 'orders-sheet-cut-at-row.xlsx',
  midRow: 'orders-sheet-cut-mid-row.xlsx',
} as const;
const SHEET = 'xl/worksheets/sheet1.xml';

const COPIED = [WORKBOOKS.small.file, OTHER_FIXTURES.oversized, OTHER_FIXTURES.notXlsx];
const OUTPUTS = [
  WORKBOOKS.weekA.file,
  WORKBOOKS.weekB.file,
  WORKBOOKS.badRow.file,
  OTHER_FIXTURES.truncated,
  ...COPIED,
  ...Object.values(CUT_SHEETS),
];

function sourceHash(): string {
  const files = [
    join(here, 'generate.ts'),
    join(here, '..', 'checks', 'workbooks.ts'),
    join(here, '..', 'checks', 'rows.ts'),
    ...['incident-size.ts', 'oversized.ts', 'zip.ts', 'rows.ts'].map((f) => join(NODE_GENERATOR, f)),
  ];
  const hash = createHash('sha256');
  for (const f of files) hash.update(f.slice(here.length)).update(readFileSync(f));
  return hash.digest('hex');
}

async function cutSheets(weekB: Buffer): Promise<Record<string, Buffer>> {
  const { deflatedPart, partText, readZip, writeZip } = await import('../../excel-upload/generator/zip.ts');
  const parts = readZip(weekB);
  const sheet = partText(parts.find((p) => p.name === SHEET)!);
  const next = sheet.indexOf(`<row r="${CUT_ROW + 1}"`);
  if (next < 0 || !sheet.slice(0, next).endsWith('</row>')) throw new Error(`no </row> before row ${CUT_ROW + 1}`);
  // inside the last cell (note, column T) of the next row: the row reads as 19 cells, a valid order
  const cell = sheet.indexOf(`<c r="T${CUT_ROW + 1}"`, next);
  const value = sheet.indexOf('<v>', cell);
  if (cell < 0 || value < 0) throw new Error(`no value in cell T${CUT_ROW + 1}`);
  const withSheet = async (text: string) => {
    const part = await deflatedPart(SHEET, [text]);
    return writeZip(parts.map((p) => (p.name === SHEET ? part : p)));
  };
  return {
    [CUT_SHEETS.atRow]: await withSheet(sheet.slice(0, next)),
    [CUT_SHEETS.midRow]: await withSheet(sheet.slice(0, value + '<v>'.length)),
  };
}

/** Writes the fixtures unless the stamp says they are current. Files appear by atomic rename. */
export async function generate(): Promise<void> {
  const source = sourceHash();
  if (
    existsSync(STAMP) &&
    readFileSync(STAMP, 'utf8') === source &&
    OUTPUTS.every((name) => existsSync(join(TARGET, name)))
  )
    return;
  // the writer needs exceljs: loaded only when something is to be written
  const incident = await import('../../excel-upload/generator/incident-size.ts');
  await incident.generateIncidentSize();
  mkdirSync(TARGET, { recursive: true });
  const put = (name: string, data: Buffer) => {
    const tmp = join(TARGET, `.${name}.${process.pid}.tmp`);
    writeFileSync(tmp, data);
    renameSync(tmp, join(TARGET, name));
  };
  for (const name of COPIED) put(name, readFileSync(join(incident.INCIDENT_FIXTURES_DIR, name)));
  let weekB: Buffer | null = null;
  for (const spec of [WORKBOOKS.weekA, WORKBOOKS.weekB, WORKBOOKS.badRow]) {
    const data = await incident.workbookBytes(spec);
    if (spec === WORKBOOKS.weekA) put(OTHER_FIXTURES.truncated, data.subarray(0, Math.floor(data.length * 0.45)));
    if (spec === WORKBOOKS.weekB) weekB = data;
    put(spec.file, data);
  }
  for (const [name, data] of Object.entries(await cutSheets(weekB!))) put(name, data);
  writeFileSync(STAMP + '.tmp', source);
  renameSync(STAMP + '.tmp', STAMP);
}
