// Everything a reader does in a lab is kept in localStorage, so nothing is lost on reload, runtime
// switch, solution reveal or reset. No account, no server. The keys are in contracts/storage-keys.ts.
import { fileKey, hintsKey, LAB_KEY_PATTERN, labKey, tasksKey, undoKey } from '../../contracts/storage-keys.ts';

export type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

export interface TaskProgress {
  passed: boolean;
  at: number;
  message?: string;
}
export type TasksProgress = Record<string, TaskProgress>;

export interface UndoCopy {
  reason: 'reset' | 'solution';
  at: number;
  files: Record<string, string>;
}

function readJson(storage: Pick<Storage, 'getItem'>, key: string): unknown {
  try {
    const raw = storage.getItem(key);
    return raw === null ? null : JSON.parse(raw);
  } catch {
    return null;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Writes; returns false when storage is full or disabled so the UI can say edits are not being kept. */
function write(storage: Pick<Storage, 'setItem'>, key: string, value: string): boolean {
  try {
    storage.setItem(key, value);
    return true;
  } catch {
    return false;
  }
}

// ---- files -------------------------------------------------------------------------------------

/** The reader's saved text of each file, only for files that have a saved copy. */
export function readSavedFiles(
  storage: Pick<Storage, 'getItem'>,
  labId: string,
  paths: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of paths) {
    try {
      const text = storage.getItem(fileKey(labId, path));
      if (text !== null) out[path] = text;
    } catch {
      // unreadable storage: behave as if nothing was saved
    }
  }
  return out;
}

export function saveFile(storage: Pick<Storage, 'setItem'>, labId: string, path: string, text: string): boolean {
  return write(storage, fileKey(labId, path), text);
}

export function clearSavedFiles(storage: Pick<Storage, 'removeItem'>, labId: string, paths: readonly string[]): void {
  for (const path of paths) {
    try {
      storage.removeItem(fileKey(labId, path));
    } catch {
      // nothing to clear
    }
  }
}

// ---- undo copy (reset / apply solution) ---------------------------------------------------------

export function saveUndoCopy(storage: Pick<Storage, 'setItem'>, labId: string, copy: UndoCopy): boolean {
  return write(storage, undoKey(labId), JSON.stringify(copy));
}

export function readUndoCopy(storage: Pick<Storage, 'getItem'>, labId: string): UndoCopy | null {
  const v = readJson(storage, undoKey(labId));
  if (!isRecord(v) || !isRecord(v.files) || typeof v.at !== 'number') return null;
  if (v.reason !== 'reset' && v.reason !== 'solution') return null;
  const files: Record<string, string> = {};
  for (const [k, text] of Object.entries(v.files)) if (typeof text === 'string') files[k] = text;
  return { reason: v.reason, at: v.at, files };
}

export function clearUndoCopy(storage: Pick<Storage, 'removeItem'>, labId: string): void {
  try {
    storage.removeItem(undoKey(labId));
  } catch {
    // nothing to clear
  }
}

// ---- task progress ------------------------------------------------------------------------------

export function readTasks(storage: Pick<Storage, 'getItem'>, labId: string): TasksProgress {
  const v = readJson(storage, tasksKey(labId));
  const out: TasksProgress = {};
  if (!isRecord(v)) return out;
  for (const [id, t] of Object.entries(v)) {
    if (!isRecord(t) || typeof t.passed !== 'boolean' || typeof t.at !== 'number') continue;
    out[id] = { passed: t.passed, at: t.at, ...(typeof t.message === 'string' ? { message: t.message } : {}) };
  }
  return out;
}

/**
 * Records the result of one Check. A task once passed stays passed (progress is about what the reader
 * achieved), but its latest message and time are kept.
 */
export function recordTaskResults(
  storage: Pick<Storage, 'getItem' | 'setItem'>,
  labId: string,
  results: ReadonlyArray<{ id: string; passed: boolean; message: string }>,
  at: number,
): TasksProgress {
  const tasks = readTasks(storage, labId);
  for (const r of results) {
    const before = tasks[r.id];
    const passed = r.passed || before?.passed === true;
    tasks[r.id] = { passed, at: r.passed || !before?.passed ? at : before.at, message: r.message };
  }
  write(storage, tasksKey(labId), JSON.stringify(tasks));
  return tasks;
}

/** Passed task ids of a lab; what the progress page and the Lab card show. */
export function passedTaskIds(storage: Pick<Storage, 'getItem'>, labId: string): string[] {
  return Object.entries(readTasks(storage, labId))
    .filter(([, t]) => t.passed)
    .map(([id]) => id);
}

// ---- hints --------------------------------------------------------------------------------------

export function readHints(storage: Pick<Storage, 'getItem'>, labId: string): Record<string, number> {
  const v = readJson(storage, hintsKey(labId));
  const out: Record<string, number> = {};
  if (!isRecord(v)) return out;
  for (const [id, n] of Object.entries(v)) if (Number.isInteger(n) && (n as number) >= 0) out[id] = n as number;
  return out;
}

export function saveHintsRevealed(
  storage: Pick<Storage, 'getItem' | 'setItem'>,
  labId: string,
  taskId: string,
  count: number,
): void {
  const hints = readHints(storage, labId);
  hints[taskId] = count;
  write(storage, hintsKey(labId), JSON.stringify(hints));
}

// ---- whole-lab helpers --------------------------------------------------------------------------

/** Lab ids that have any saved state, for the progress page. */
export function labsWithState(storage: Pick<Storage, 'key' | 'length'>): string[] {
  const ids = new Set<string>();
  for (let i = 0; i < storage.length; i++) {
    const m = LAB_KEY_PATTERN.exec(storage.key(i) ?? '');
    if (m) ids.add(m[1]!);
  }
  return [...ids].sort();
}

/** Forgets everything kept for one lab (edits, undo copy, progress, hints). */
export function forgetLab(storage: StorageLike, labId: string): void {
  const prefix = labKey(labId, '');
  const doomed: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const k = storage.key(i);
    if (k?.startsWith(prefix)) doomed.push(k);
  }
  for (const k of doomed) storage.removeItem(k);
}
