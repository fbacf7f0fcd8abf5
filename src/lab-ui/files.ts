// The reader's copy of a lab's files: what is shown, what is autosaved, what reset and "apply solution"
// replace (each keeping an undo copy first, so a reader never loses work).
import {
  clearSavedFiles,
  clearUndoCopy,
  readSavedFiles,
  readUndoCopy,
  saveFile,
  saveUndoCopy,
  type StorageLike,
  type UndoCopy,
} from '../lib/progress-store.ts';

export interface LabFile {
  path: string;
  editable: boolean;
  starter: string;
}

export class FilesState {
  readonly labId: string;
  readonly files: readonly LabFile[];
  private readonly storage: StorageLike;
  private readonly current = new Map<string, string>();
  /** false once a write failed (storage full or disabled): the UI says so. */
  persisting = true;

  constructor(labId: string, files: readonly LabFile[], storage: StorageLike) {
    this.labId = labId;
    this.files = files;
    this.storage = storage;
    const saved = readSavedFiles(storage, labId, this.editablePaths());
    for (const f of files)
      this.current.set(f.path, f.editable && saved[f.path] !== undefined ? saved[f.path]! : f.starter);
  }

  editablePaths(): string[] {
    return this.files.filter((f) => f.editable).map((f) => f.path);
  }

  file(path: string): LabFile | undefined {
    return this.files.find((f) => f.path === path);
  }

  text(path: string): string {
    return this.current.get(path) ?? '';
  }

  /** Every file as the runtime should receive it. */
  snapshot(): Record<string, string> {
    return Object.fromEntries(this.files.map((f) => [f.path, this.text(f.path)]));
  }

  /** Only the editable files (what reset/solution/undo act on). */
  editableSnapshot(): Record<string, string> {
    return Object.fromEntries(this.editablePaths().map((p) => [p, this.text(p)]));
  }

  /** Called on every edit; saves at once so a crash or reload loses nothing. */
  edit(path: string, text: string): void {
    const f = this.file(path);
    if (!f || !f.editable) return;
    this.current.set(path, text);
    this.persisting = saveFile(this.storage, this.labId, path, text) && this.persisting;
  }

  isModified(path: string): boolean {
    const f = this.file(path);
    return !!f && f.editable && this.text(path) !== f.starter;
  }

  anyModified(): boolean {
    return this.files.some((f) => this.isModified(f.path));
  }

  /** Replaces the editable files, keeping the previous text as the undo copy. Returns the new texts. */
  replace(next: Record<string, string>, reason: UndoCopy['reason'], now: number): Record<string, string> {
    this.persisting =
      saveUndoCopy(this.storage, this.labId, { reason, at: now, files: this.editableSnapshot() }) && this.persisting;
    for (const p of this.editablePaths()) {
      if (next[p] === undefined) continue;
      this.edit(p, next[p]!);
    }
    return this.editableSnapshot();
  }

  resetToStarter(now: number): Record<string, string> {
    const starter = Object.fromEntries(this.files.filter((f) => f.editable).map((f) => [f.path, f.starter]));
    const result = this.replace(starter, 'reset', now);
    // The starter needs no saved copy; the undo copy keeps the reader's version.
    clearSavedFiles(this.storage, this.labId, this.editablePaths());
    return result;
  }

  undoCopy(): UndoCopy | null {
    return readUndoCopy(this.storage, this.labId);
  }

  /** Restores the undo copy (the reader's version before reset / apply solution) and forgets it. */
  undo(): Record<string, string> | null {
    const copy = this.undoCopy();
    if (!copy) return null;
    for (const [p, text] of Object.entries(copy.files)) this.edit(p, text);
    clearUndoCopy(this.storage, this.labId);
    return this.editableSnapshot();
  }

  dropUndo(): void {
    clearUndoCopy(this.storage, this.labId);
  }
}
