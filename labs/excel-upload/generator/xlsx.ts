// A small .xlsx writer for the checks and the fixture generator: the parts a spreadsheet program writes
// (content types, relationships, workbook, shared strings, worksheets) with exactly the cells asked for.
// Writing the XML by hand lets the traffic hold what real workbooks hold and a library writer would
// normalise away: inline strings beside shared ones, formulas with cached results, ISO dates, missing
// cells, extra worksheets. Node built-ins only.
import { crc32, deflateRawSync } from 'node:zlib';
import { writeZip, type ZipPart } from './zip.ts';

/** One cell as written: null leaves the cell out of the row entirely (an empty cell). */
export type XlsxCell =
  number | string | null | { inline: string } | { formula: string; result: number | string } | { date: string };

export interface XlsxSheet {
  name: string;
  rows: XlsxCell[][];
}

export interface XlsxOptions {
  /** strings go to xl/sharedStrings.xml (what Excel does), or inline in the sheet */
  sharedStrings?: boolean;
  /** deflate level: 1 for traffic made during a Check, 9 for fixtures */
  level?: number;
  /** pretty-printed worksheets: a line break and this many spaces of indentation after every row
   * (ignorable whitespace, as some generators write; it makes a part big without adding data) */
  indent?: number;
  /** a picture's bytes, stored as xl/media/image1.png before the worksheets (readers pass it by unread) */
  picture?: Buffer;
}

const escape = (s: string) =>
  /[&<>]/.test(s) ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : s;

function columnName(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
/** A, B, … for the columns the lab's sheets have: computed once, not for every cell */
const COLUMN_NAMES = Array.from({ length: 64 }, (_, i) => columnName(i));
const column = (i: number) => COLUMN_NAMES[i] ?? columnName(i);

function part(name: string, text: string, level: number): ZipPart {
  const raw = Buffer.from(text, 'utf8');
  return { name, method: 8, crc: crc32(raw), compressed: deflateRawSync(raw, { level }), size: raw.length };
}

function sheetXml(sheet: XlsxSheet, strings: Map<string, number> | null, indent = 0): string {
  const gap = indent > 0 ? '\n' + ' '.repeat(indent) : '';
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
  ];
  sheet.rows.forEach((cells, r) => {
    const n = r + 1;
    let row = `<row r="${n}">`;
    cells.forEach((cell, c) => {
      if (cell === null) return;
      const ref = `${column(c)}${n}`;
      if (typeof cell === 'number') row += `<c r="${ref}"><v>${cell}</v></c>`;
      else if (typeof cell === 'string') {
        if (strings) {
          let at = strings.get(cell);
          if (at === undefined) strings.set(cell, (at = strings.size));
          row += `<c r="${ref}" t="s"><v>${at}</v></c>`;
        } else row += `<c r="${ref}" t="inlineStr"><is><t>${escape(cell)}</t></is></c>`;
      } else if ('inline' in cell) row += `<c r="${ref}" t="inlineStr"><is><t>${escape(cell.inline)}</t></is></c>`;
      else if ('formula' in cell)
        row +=
          typeof cell.result === 'number'
            ? `<c r="${ref}"><f>${escape(cell.formula)}</f><v>${cell.result}</v></c>`
            : `<c r="${ref}" t="str"><f>${escape(cell.formula)}</f><v>${escape(cell.result)}</v></c>`;
      else row += `<c r="${ref}" t="d"><v>${cell.date}</v></c>`;
    });
    out.push(row + '</row>' + gap);
  });
  out.push('</sheetData></worksheet>');
  return out.join('');
}

/** The parts of a workbook, in the order a streaming reader wants them: shared strings before the sheets. */
export function xlsxParts(sheets: XlsxSheet[], opts: XlsxOptions = {}): ZipPart[] {
  const level = opts.level ?? 1;
  const strings = opts.sharedStrings === false ? null : new Map<string, number>();
  const sheetTexts = sheets.map((s) => sheetXml(s, strings, opts.indent));
  const ids = sheets.map((_, i) => i + 1);
  const contentTypes =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    (opts.picture ? '<Default Extension="png" ContentType="image/png"/>' : '') +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    ids
      .map(
        (i) =>
          `<Override PartName="/xl/worksheets/sheet${i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
      )
      .join('') +
    (strings
      ? '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
      : '') +
    '</Types>';
  const rels =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>';
  const workbook =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>' +
    sheets.map((s, i) => `<sheet name="${escape(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('') +
    '</sheets></workbook>';
  const workbookRels =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    ids
      .map(
        (i) =>
          `<Relationship Id="rId${i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i}.xml"/>`,
      )
      .join('') +
    (strings
      ? `<Relationship Id="rId${sheets.length + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
      : '') +
    '</Relationships>';
  const parts = [
    part('[Content_Types].xml', contentTypes, level),
    part('_rels/.rels', rels, level),
    part('xl/workbook.xml', workbook, level),
    part('xl/_rels/workbook.xml.rels', workbookRels, level),
  ];
  if (strings) {
    const items = [...strings.keys()].map((s) => `<si><t xml:space="preserve">${escape(s)}</t></si>`).join('');
    parts.push(
      part(
        'xl/sharedStrings.xml',
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.size}" uniqueCount="${strings.size}">${items}</sst>`,
        level,
      ),
    );
  }
  if (opts.picture)
    parts.push({
      name: 'xl/media/image1.png',
      method: 0, // pictures are already compressed: stored as they are, like spreadsheet programs do
      crc: crc32(opts.picture),
      compressed: opts.picture,
      size: opts.picture.length,
    });
  sheetTexts.forEach((text, i) => parts.push(part(`xl/worksheets/sheet${i + 1}.xml`, text, level)));
  return parts;
}

/** A whole .xlsx file. */
export function xlsx(sheets: XlsxSheet[], opts: XlsxOptions = {}): Buffer {
  return writeZip(xlsxParts(sheets, opts));
}
