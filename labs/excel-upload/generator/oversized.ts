// The parts that make a workbook oversized (a few hundred KB of deflate that inflates to hundreds of MB)
// and the CSV a reader might upload by mistake. Shared by the lab's generator (generate.ts) and the
// incident-sized one (incident-size.ts); Node built-ins only, so it also runs inside the page's container.
import { COLUMNS } from './rows.ts';

/**
 * A worksheet with a proper header and `rows` copies of one valid order row (all numbered row 2, which
 * readers accept): about a megabyte of deflate that inflates to ~570 bytes per row. Shared-string indexes
 * 0-19 are the header's column names, as exceljs numbers strings in order of first use; 20+ are values.
 */
export function* bombSheet(rows: number): Generator<string> {
  const col = (i: number) => String.fromCharCode(65 + i);
  yield '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
  yield '<row r="1">' + COLUMNS.map((_, i) => `<c r="${col(i)}1" t="s"><v>${i}</v></c>`).join('') + '</row>';
  const numbers = new Map([
    [0, 7],
    [15, 3],
    [16, 19.5],
    [17, 0],
  ]);
  const cells = COLUMNS.map((_, i) =>
    numbers.has(i) ? `<c r="${col(i)}2"><v>${numbers.get(i)}</v></c>` : `<c r="${col(i)}2" t="s"><v>${20 + i}</v></c>`,
  );
  const chunk = ('<row r="2">' + cells.join('') + '</row>').repeat(4096);
  for (let done = 0; done < rows; done += 4096) yield chunk;
  yield '</sheetData></worksheet>';
}

/** A shared strings part with the header's names first, then `copies` of one long value: over 100 MB. */
export function* bombStrings(copies: number): Generator<string> {
  yield '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">';
  yield COLUMNS.map((c) => `<si><t>${c}</t></si>`).join('');
  const item = `<si><t>${'Standing desk, oak veneer, cable tray, 160 x 80 cm '.repeat(2)}</t></si>`.repeat(1024);
  for (let done = 0; done < copies; done += 1024) yield item;
  yield '</sst>';
}

export const NOT_XLSX = ['id,sku,product,quantity', '1,SKU-00037,Desk lamp,3', '2,SKU-00074,Keyboard,12', ''].join(
  '\n',
);
