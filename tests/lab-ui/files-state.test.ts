import { describe, expect, it } from 'vitest';
import { FilesState, type LabFile } from '../../src/lab-ui/files.ts';
import { MemoryStorage } from './memory-storage.ts';

const files: LabFile[] = [
  { path: 'server.ts', editable: true, starter: 'const cache = new Map();' },
  { path: 'data.ts', editable: false, starter: 'export const rows = [];' },
];

describe('FilesState autosave', () => {
  it('starts from the starter and restores edits after a reload', () => {
    const s = new MemoryStorage();
    const first = new FilesState('lab', files, s);
    expect(first.text('server.ts')).toBe('const cache = new Map();');
    first.edit('server.ts', 'const cache = new LRU(100);');
    const reloaded = new FilesState('lab', files, s);
    expect(reloaded.text('server.ts')).toBe('const cache = new LRU(100);');
    expect(reloaded.isModified('server.ts')).toBe(true);
  });

  it('never edits or saves a read-only file', () => {
    const s = new MemoryStorage();
    const st = new FilesState('lab', files, s);
    st.edit('data.ts', 'hacked');
    expect(st.text('data.ts')).toBe('export const rows = [];');
    expect(s.length).toBe(0);
    s.setItem('leakbook:v1:lab:lab:file:data.ts', 'stale');
    expect(new FilesState('lab', files, s).text('data.ts')).toBe('export const rows = [];');
  });

  it('reset goes back to the starter and undo brings the edits back, across a reload', () => {
    const s = new MemoryStorage();
    const st = new FilesState('lab', files, s);
    st.edit('server.ts', 'mine');
    st.resetToStarter(10);
    expect(st.text('server.ts')).toBe('const cache = new Map();');
    const reloaded = new FilesState('lab', files, s);
    expect(reloaded.text('server.ts')).toBe('const cache = new Map();');
    expect(reloaded.undoCopy()?.reason).toBe('reset');
    expect(reloaded.undo()).toEqual({ 'server.ts': 'mine' });
    expect(new FilesState('lab', files, s).text('server.ts')).toBe('mine');
    expect(reloaded.undoCopy()).toBeNull();
  });

  it('applying the solution keeps the reader version as the undo copy', () => {
    const s = new MemoryStorage();
    const st = new FilesState('lab', files, s);
    st.edit('server.ts', 'attempt 1');
    st.replace({ 'server.ts': 'solution', 'data.ts': 'ignored' }, 'solution', 20);
    expect(st.text('server.ts')).toBe('solution');
    expect(st.text('data.ts')).toBe('export const rows = [];');
    expect(st.undoCopy()).toEqual({ reason: 'solution', at: 20, files: { 'server.ts': 'attempt 1' } });
  });

  it('says when edits cannot be kept', () => {
    const s = new MemoryStorage(60);
    const st = new FilesState('lab', files, s);
    st.edit('server.ts', 'x'.repeat(200));
    expect(st.persisting).toBe(false);
    expect(st.text('server.ts')).toBe('x'.repeat(200));
  });
});
