import { describe, expect, it } from 'vitest';
import { fileKey, tasksKey } from '../../contracts/storage-keys.ts';
import {
  forgetLab,
  labsWithState,
  passedTaskIds,
  readHints,
  readSavedFiles,
  readTasks,
  readUndoCopy,
  recordTaskResults,
  saveFile,
  saveHintsRevealed,
  saveUndoCopy,
} from '../../src/lib/progress-store.ts';
import { MemoryStorage } from '../lab-ui/memory-storage.ts';

describe('progress store key scheme', () => {
  it('uses the documented, versioned keys', () => {
    expect(fileKey('cache-warmup', 'app/cache.ts')).toBe('leakbook:v1:lab:cache-warmup:file:app/cache.ts');
    expect(tasksKey('cache-warmup')).toBe('leakbook:v1:lab:cache-warmup:tasks');
  });
});

describe('saved files', () => {
  it('returns only files that have a saved copy, per lab', () => {
    const s = new MemoryStorage();
    saveFile(s, 'a', 'server.ts', 'edited');
    saveFile(s, 'b', 'server.ts', 'other lab');
    expect(readSavedFiles(s, 'a', ['server.ts', 'cache.ts'])).toEqual({ 'server.ts': 'edited' });
  });

  it('keeps an empty file as an edit (a reader may delete everything)', () => {
    const s = new MemoryStorage();
    saveFile(s, 'a', 'server.ts', '');
    expect(readSavedFiles(s, 'a', ['server.ts'])).toEqual({ 'server.ts': '' });
  });

  it('reports a full storage instead of throwing', () => {
    const s = new MemoryStorage(40);
    expect(saveFile(s, 'a', 'server.ts', 'x'.repeat(100))).toBe(false);
    expect(readSavedFiles(s, 'a', ['server.ts'])).toEqual({});
  });
});

describe('task progress', () => {
  it('records pass/fail with time and message', () => {
    const s = new MemoryStorage();
    recordTaskResults(s, 'a', [{ id: 'evict', passed: false, message: '5,000 entries kept' }], 1000);
    expect(readTasks(s, 'a')).toEqual({ evict: { passed: false, at: 1000, message: '5,000 entries kept' } });
    expect(passedTaskIds(s, 'a')).toEqual([]);
  });

  it('a task once passed stays passed when a later check fails, but shows the latest message', () => {
    const s = new MemoryStorage();
    recordTaskResults(s, 'a', [{ id: 'evict', passed: true, message: 'bounded at 100' }], 1000);
    recordTaskResults(s, 'a', [{ id: 'evict', passed: false, message: 'grew to 900' }], 2000);
    expect(readTasks(s, 'a').evict).toEqual({ passed: true, at: 1000, message: 'grew to 900' });
    expect(passedTaskIds(s, 'a')).toEqual(['evict']);
  });

  it('ignores malformed stored values instead of crashing the page', () => {
    const s = new MemoryStorage();
    s.setItem(tasksKey('a'), '{not json');
    expect(readTasks(s, 'a')).toEqual({});
    s.setItem(tasksKey('a'), JSON.stringify({ ok: { passed: true, at: 5 }, bad: { passed: 'yes', at: 1 }, worse: 3 }));
    expect(readTasks(s, 'a')).toEqual({ ok: { passed: true, at: 5 } });
  });
});

describe('hints, undo copy and whole-lab helpers', () => {
  it('remembers how many hints were revealed per task', () => {
    const s = new MemoryStorage();
    saveHintsRevealed(s, 'a', 'evict', 2);
    saveHintsRevealed(s, 'a', 'bounded', 1);
    expect(readHints(s, 'a')).toEqual({ evict: 2, bounded: 1 });
  });

  it('round-trips the undo copy and rejects a corrupt one', () => {
    const s = new MemoryStorage();
    saveUndoCopy(s, 'a', { reason: 'reset', at: 7, files: { 'server.ts': 'mine' } });
    expect(readUndoCopy(s, 'a')).toEqual({ reason: 'reset', at: 7, files: { 'server.ts': 'mine' } });
    s.setItem('leakbook:v1:lab:a:undo', JSON.stringify({ reason: 'whatever', at: 7, files: {} }));
    expect(readUndoCopy(s, 'a')).toBeNull();
  });

  it('lists labs with state and forgets exactly one lab', () => {
    const s = new MemoryStorage();
    saveFile(s, 'cache-warmup', 'server.ts', 'x');
    recordTaskResults(s, 'gzip-preflight', [{ id: 't', passed: true, message: 'ok' }], 1);
    s.setItem('leakbook:v1:quiz:q1', '{}');
    expect(labsWithState(s)).toEqual(['cache-warmup', 'gzip-preflight']);
    forgetLab(s, 'cache-warmup');
    expect(labsWithState(s)).toEqual(['gzip-preflight']);
    expect(s.getItem('leakbook:v1:quiz:q1')).toBe('{}');
  });
});
