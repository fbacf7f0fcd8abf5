// The workbooks this lab's Check and scenarios upload, by the row generator of rows.ts (the Node lab's,
// copied). Smaller than the incident's 40,000-row files so that a Check stays within seconds: 20,000
// rows under a 52 MB container limit (lab.json heapLimitMb) are still far more than the eager GetRows
// import fits (the starter is OOMKilled on the first upload), while a streamed import stays well under it.
// generator/generate.ts writes these files into fixtures/; the checks recompute their rows.
import { WORKBOOKS as NODE_LAB, type WorkbookSpec } from './rows.ts';

export const ROWS_PER_FILE = 20_000;

/** The cut-sheet workbooks hold week B up to this sheet row (10,000 data rows), then their XML ends. */
export const CUT_ROW = 10_001;

export const WORKBOOKS = {
  weekA: { file: 'orders-week-a.xlsx', seed: 1, firstId: 1, rows: ROWS_PER_FILE, badRow: null },
  weekB: { file: 'orders-week-b.xlsx', seed: 2, firstId: 1, rows: ROWS_PER_FILE, badRow: null },
  badRow: { file: 'orders-bad-row.xlsx', seed: 3, firstId: 1, rows: ROWS_PER_FILE, badRow: 15_001 },
  /** a small valid workbook (the Node lab's, copied): what the store holds before the bad files arrive */
  small: NODE_LAB.small,
} satisfies Record<string, WorkbookSpec>;
