// The Go excel lab imports the incident-sized workbooks (40,000 rows) the Node lab generates for it
// (deterministic), copied into this lab's fixtures/ when they differ. Two more are made here from week B:
// valid zips whose worksheet XML ends early, once right after a </row> and once inside a cell (excelize's
// row reader stops at both without an error: tests/go-claims/excelize_test.go).
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, copyFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  INCIDENT_FIXTURES_DIR as SOURCE,
  generateIncidentSize as generateNodeLab,
} from '../../excel-upload/generator/incident-size.ts';
import { deflatedPart, partText, readZip, writeZip } from '../../excel-upload/generator/zip.ts';

const here = dirname(fileURLToPath(import.meta.url));
const TARGET = join(here, '..', 'fixtures');

/** Cut-sheet workbooks: week B's rows up to the cut (sheet row CUT_ROW, i.e. 20,000 data rows). */
export const CUT_SHEETS = {
  atRow: 'orders-sheet-cut-at-row.xlsx',
  midRow: 'orders-sheet-cut-mid-row.xlsx',
} as const;
export const CUT_ROW = 20_001;
const SHEET = 'xl/worksheets/sheet1.xml';

function same(a: string, b: Buffer): boolean {
  return existsSync(a) && statSync(a).size === b.length && readFileSync(a).equals(b);
}

async function cutSheets(weekB: Buffer): Promise<Record<string, Buffer>> {
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

export async function generate(): Promise<void> {
  await generateNodeLab();
  mkdirSync(TARGET, { recursive: true });
  for (const name of readdirSync(SOURCE)) {
    const from = join(SOURCE, name);
    const to = join(TARGET, name);
    if (existsSync(to) && statSync(to).size === statSync(from).size && readFileSync(to).equals(readFileSync(from)))
      continue;
    copyFileSync(from, to);
  }
  const made = await cutSheets(readFileSync(join(TARGET, 'orders-week-b.xlsx')));
  for (const [name, data] of Object.entries(made))
    if (!same(join(TARGET, name), data)) writeFileSync(join(TARGET, name), data);
}
