// The excel-upload lab's own parts: the seeded fixtures agree with the row generator the checks use,
// the read-only zip watcher sees what a zip reader sees (however the bytes are chunked) and refuses
// what it must, and rows are validated with messages that name the row.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { seeded } from '../../kit/random.ts';
import { expectedStore, recordHash, rowToRecord, workbookRows } from '../../labs/excel-upload/generator/rows.ts';
import {
  LAB_FIXTURES as OTHER_FIXTURES,
  LAB_WORKBOOKS as WORKBOOKS,
  labWorkbook,
  variedWorkbook,
} from '../../labs/excel-upload/generator/workbooks.ts';
import { xlsx } from '../../labs/excel-upload/generator/xlsx.ts';
import { FIXTURES_DIR, generate } from '../../labs/excel-upload/generator/generate.ts';
import { readZip } from '../../labs/excel-upload/generator/zip.ts';
import {
  BadRowError,
  COLUMNS,
  checkHeader,
  parseRow,
  type OrderRecord,
} from '../../labs/excel-upload/starter/records.ts';
import { UploadFormatError, watchZipEntries, type ZipEntryInfo } from '../../labs/excel-upload/starter/zip-entries.ts';

const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES_DIR, name));

/** A readable that hands the bytes over in chunks of the given sizes (cycled). */
function chunked(bytes: Buffer, sizes: number[]): Readable {
  const parts: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    parts.push(bytes.subarray(at, at + n));
    at += n;
  }
  return Readable.from(parts, { objectMode: false });
}

async function watch(bytes: Buffer, sizes: number[], onEntry: (e: ZipEntryInfo) => void = () => {}) {
  const entries: ZipEntryInfo[] = [];
  const upload = watchZipEntries(chunked(bytes, sizes), (e) => {
    entries.push(e);
    onEntry(e);
  });
  const out: Buffer[] = [];
  upload.stream.on('data', (c: Buffer) => out.push(c));
  let error: unknown = null;
  await upload.complete.catch((err) => (error = err));
  return { entries, passed: Buffer.concat(out), error };
}

beforeAll(async () => {
  await generate(); // no-op when the fixtures are up to date
}, 120_000);

describe('fixtures', () => {
  it('a workbook holds exactly the generator rows (read back with exceljs streaming reader)', async () => {
    for (const spec of [WORKBOOKS.weekA]) {
      const reader = new ExcelJS.stream.xlsx.WorkbookReader(fs.createReadStream(path.join(FIXTURES_DIR, spec.file)), {
        sharedStrings: 'cache',
        styles: 'ignore',
        hyperlinks: 'ignore',
        worksheets: 'emit',
        entries: 'ignore',
      });
      let sum = 0;
      let count = 0;
      for await (const sheet of reader)
        for await (const row of sheet) {
          const values = row.values as unknown[];
          if (row.number === 1) checkHeader(values);
          else {
            sum = (sum + recordHash(parseRow(values, row.number) as never)) >>> 0;
            count++;
          }
        }
      expect({ count, checksum: sum }).toEqual(expectedStore([spec]));
    }
  }, 120_000);

  it('are laid out for streaming: shared strings before the worksheet, sizes in every local header', () => {
    const names = readZip(fixture(WORKBOOKS.weekA.file)).map((p) => p.name);
    expect(names.indexOf('xl/sharedStrings.xml')).toBeLessThan(names.indexOf('xl/worksheets/sheet1.xml'));
    expect(names.at(-1)).toBe('xl/worksheets/sheet1.xml');
  });

  it('the oversized workbooks are small on disk and declare a part far beyond 64 MB', () => {
    for (const [file, part] of [
      [OTHER_FIXTURES.oversized, 'xl/worksheets/sheet1.xml'],
      [OTHER_FIXTURES.oversizedStrings, 'xl/sharedStrings.xml'],
    ] as const) {
      const bytes = fixture(file);
      expect(bytes.length).toBeLessThan(3 * 1024 * 1024);
      expect(readZip(bytes).find((p) => p.name === part)!.size).toBeGreaterThan(100 * 1024 * 1024);
    }
  });

  it("the checks' varied workbooks read back with exceljs as the records the checks expect", async () => {
    for (const label of ['a', 'b', 'c', 'd']) {
      const rng = seeded(`test/${label}`);
      const { sheets, records, shared } = variedWorkbook(rng, { rows: 400, firstId: 1, idSpan: 300 });
      const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([xlsx(sheets, { sharedStrings: shared })]), {
        sharedStrings: 'cache',
        styles: 'ignore',
        hyperlinks: 'ignore',
        worksheets: 'emit',
        entries: 'ignore',
      });
      const got: OrderRecord[] = [];
      let sheetNo = 0;
      for await (const sheet of reader) {
        sheetNo++;
        for await (const r of sheet) {
          if (sheetNo > 1) continue;
          if (r.number === 1) checkHeader(r.values as unknown[]);
          else got.push(parseRow(r.values as unknown[], r.number));
        }
      }
      expect(got).toEqual(records);
    }
  });

  it('the bad-row workbook differs from a clean one in exactly one cell', () => {
    const clean = { ...WORKBOOKS.badRow, badRow: null };
    const a = [...workbookRows(WORKBOOKS.badRow)];
    const b = [...workbookRows(clean)];
    const diffs = a.flatMap((row, i) => row.flatMap((cell, j) => (cell === b[i]![j] ? [] : [[i + 2, COLUMNS[j]]])));
    expect(diffs).toEqual([[7_001, 'quantity']]);
  });

  it('are byte-for-byte reproducible from their seeds', async () => {
    const again = labWorkbook(WORKBOOKS.weekB, 9).body;
    expect(createHash('sha256').update(again).digest('hex')).toBe(
      createHash('sha256').update(fixture(WORKBOOKS.weekB.file)).digest('hex'),
    );
  }, 30_000);
});

describe('watchZipEntries', () => {
  const weekA = () => fixture(WORKBOOKS.weekA.file);

  it.each([[[1 << 20]], [[7, 3, 1, 4096, 29, 65_536]], [[1, 2, 3, 5, 8, 13, 21, 34, 55, 89]]])(
    'sees every part with its declared sizes and passes the bytes unchanged (chunks %j)',
    async (sizes) => {
      const bytes = weekA();
      const { entries, passed, error } = await watch(bytes, sizes);
      expect(error).toBeNull();
      expect(passed.equals(bytes)).toBe(true);
      expect(entries).toEqual(
        readZip(bytes).map((p) => ({ name: p.name, compressedSize: p.compressed.length, uncompressedSize: p.size })),
      );
    },
    30_000,
  );

  it('refuses bytes that are not a zip archive', async () => {
    const { error } = await watch(fixture(OTHER_FIXTURES.notXlsx), [16]);
    expect(error).toBeInstanceOf(UploadFormatError);
    expect((error as UploadFormatError).kind).toBe('not-zip');
  });

  it('reports a truncated upload, naming the part it ended in', async () => {
    const { error } = await watch(fixture(OTHER_FIXTURES.truncated), [65_536]);
    expect(error).toBeInstanceOf(UploadFormatError);
    expect((error as UploadFormatError).kind).toBe('truncated');
    expect((error as Error).message).toContain('xl/worksheets/sheet1.xml');
  });

  it('reports an upload cut right after the last part (no central directory) as truncated', async () => {
    const bytes = weekA();
    const cd = bytes.lastIndexOf(
      Buffer.from([0x50, 0x4b, 0x01, 0x02]),
      bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])),
    );
    const first = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect(first).toBeGreaterThan(0);
    expect(cd).toBeGreaterThanOrEqual(first);
    const { error } = await watch(bytes.subarray(0, first), [4096]);
    expect((error as UploadFormatError).kind).toBe('truncated');
  });

  it('a refusal from onEntry stops the upload before any byte of that part passes', async () => {
    const bytes = fixture(OTHER_FIXTURES.oversized);
    const refusal = new Error('too big');
    const { passed, error } = await watch(bytes, [1000], (e) => {
      if (e.uncompressedSize > 64 * 1024 * 1024) throw refusal;
    });
    expect(error).toBe(refusal);
    const sheetHeaderAt = bytes.indexOf(Buffer.from('xl/worksheets/sheet1.xml')) - 30;
    expect(passed.length).toBeLessThanOrEqual(sheetHeaderAt);
  });
});

describe('lab files', () => {
  it('the checks use the container limit the service states', async () => {
    const container = await import('../../labs/excel-upload/starter/container.ts');
    const checks = await import('../../labs/excel-upload/checks/index.ts');
    expect(checks.CONTAINER_LIMIT_MB).toBe(container.CONTAINER_LIMIT_MB);
  });
});

describe('records', () => {
  const header = [undefined, ...COLUMNS];
  const row = (cells: unknown[]) => [undefined, ...cells];

  it('turns a generator row into the record the checks expect', () => {
    const first = workbookRows(WORKBOOKS.weekA).next().value!;
    const rec = parseRow(row(first), 2) as OrderRecord;
    expect(rec).toEqual(rowToRecord(first));
  });

  it('names the row and the cell when a value cannot be used', () => {
    const bad = [...workbookRows(WORKBOOKS.badRow)][7_001 - 2]!;
    expect(() => parseRow(row(bad), 7_001)).toThrow(BadRowError);
    expect(() => parseRow(row(bad), 7_001)).toThrow(/^row 7001: quantity must be a whole number, found "\d+ pcs"$/);
  });

  it('checks the header', () => {
    expect(() => checkHeader(header)).not.toThrow();
    expect(() => checkHeader([undefined, 'id', 'name'])).toThrow(/row 1: expected the header "sku" in column 2/);
  });
});
