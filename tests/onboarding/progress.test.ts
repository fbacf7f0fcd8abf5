import { describe, expect, it } from 'vitest';
import {
  buildProgressFile,
  markChapterVisited,
  parseProgressFile,
  summarizeCohort,
  type Catalog,
  type ProgressFile,
} from '../../src/lib/progress.ts';
import { saveQuizAnswer } from '../../src/lib/quiz-store.ts';

class MemoryStorage implements Storage {
  private data = new Map<string, string>();
  get length() {
    return this.data.size;
  }
  clear() {
    this.data.clear();
  }
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  key(i: number) {
    return [...this.data.keys()][i] ?? null;
  }
  removeItem(key: string) {
    this.data.delete(key);
  }
  setItem(key: string, value: string) {
    this.data.set(key, String(value));
  }
}

const catalog: Catalog = {
  chapters: [
    {
      slug: 'toolkit',
      title: 'Toolkit',
      quizId: 'toolkit',
      labs: [
        {
          id: 'cache-warmup',
          title: 'Cache',
          tasks: [
            { id: 'bounded', title: 'Bounded' },
            { id: 'still-a-cache', title: 'Still a cache' },
          ],
        },
      ],
    },
    {
      slug: 'trace-map',
      title: 'Trace map',
      quizId: 'trace-map',
      labs: [{ id: 'trace-logs', title: 'Trace logs', tasks: [{ id: 'nothing-retained', title: 'Nothing retained' }] }],
    },
  ],
};

function learner(name: string, setup: (s: MemoryStorage) => void, at = '2026-11-26T10:00:00.000Z'): ProgressFile {
  const storage = new MemoryStorage();
  setup(storage);
  return buildProgressFile(storage, catalog, name, new Date(at));
}

describe('progress export', () => {
  it('collects visited chapters, lab tasks and quiz scores, and nothing else', () => {
    const file = learner('Ada', (s) => {
      markChapterVisited(s, 'toolkit', 1000);
      s.setItem(
        'leakbook:v1:lab:cache-warmup:tasks',
        JSON.stringify({
          bounded: { passed: true, at: 2000 },
          'still-a-cache': { passed: false, at: 2100, message: 'no cache hits' },
        }),
      );
      s.setItem('leakbook:v1:lab:cache-warmup:file:cache.ts', 'secret code of the learner');
      saveQuizAnswer(s, 'toolkit', 4, 0, 1, true);
      saveQuizAnswer(s, 'toolkit', 4, 1, 0, false);
    });
    expect(file.name).toBe('Ada');
    expect(file.chapters).toEqual({ toolkit: { visitedAt: 1000 } });
    expect(file.labs['cache-warmup']).toEqual({
      bounded: { passed: true, at: 2000 },
      'still-a-cache': { passed: false, at: 2100, message: 'no cache hits' },
    });
    expect(file.quizzes).toEqual({ toolkit: { answered: 2, correct: 1, total: 4 } });
    expect(JSON.stringify(file)).not.toContain('secret code');
  });

  it('requires a display name', () => {
    expect(() => buildProgressFile(new MemoryStorage(), catalog, '   ')).toThrow(/display name/);
  });

  it('round-trips through parse', () => {
    const file = learner('Grace', (s) => markChapterVisited(s, 'trace-map', 5));
    const parsed = parseProgressFile(JSON.stringify(file), catalog);
    expect(parsed).toEqual({ ok: true, file });
  });
});

describe('progress import refuses what it cannot trust', () => {
  const good = learner('Linus', (s) =>
    s.setItem('leakbook:v1:lab:trace-logs:tasks', JSON.stringify({ 'nothing-retained': { passed: true, at: 9 } })),
  );
  const cases: Array<[string, string, RegExp]> = [
    ['not JSON', 'hello', /not JSON/],
    ['a foreign JSON file', JSON.stringify({ name: 'package', version: '1.0.0' }), /not a Leakbook progress file/],
    ['a newer version', JSON.stringify({ ...good, version: 2 }), /version/],
    [
      'a bad count',
      JSON.stringify({ ...good, quizzes: { toolkit: { answered: 3, correct: 5, total: 4 } } }),
      /counts do not add up/,
    ],
    [
      'an unknown lab',
      JSON.stringify({ ...good, labs: { 'other-lab': { x: { passed: true, at: 1 } } } }),
      /lab this workbook does not have/,
    ],
    [
      'an unknown task',
      JSON.stringify({ ...good, labs: { 'trace-logs': { nope: { passed: true, at: 1 } } } }),
      /task lab "trace-logs" does not have/,
    ],
    ['extra personal fields', JSON.stringify({ ...good, email: 'a@b.c' }), /damaged/],
    ['an oversized file', JSON.stringify({ ...good, pad: 'x'.repeat(300 * 1024) }), /a few KB/],
  ];
  for (const [what, text, error] of cases) {
    it(`refuses ${what}`, () => {
      const result = parseProgressFile(text, catalog, 'x.json');
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error).toMatch(error);
        expect(result.error).toMatch(/Nothing was imported/);
      }
    });
  }
});

describe('cohort', () => {
  it('shows who finished what and where people are stuck', () => {
    const a = learner('Ada', (s) =>
      s.setItem(
        'leakbook:v1:lab:cache-warmup:tasks',
        JSON.stringify({ bounded: { passed: true, at: 1 }, 'still-a-cache': { passed: true, at: 2 } }),
      ),
    );
    const b = learner('Bob', (s) =>
      s.setItem('leakbook:v1:lab:cache-warmup:tasks', JSON.stringify({ bounded: { passed: false, at: 1 } })),
    );
    const bNewer = learner(
      'Bob',
      (s) => s.setItem('leakbook:v1:lab:cache-warmup:tasks', JSON.stringify({ bounded: { passed: true, at: 3 } })),
      '2026-11-26T11:00:00.000Z',
    );
    const c = learner('Cy', () => {});
    const cohort = summarizeCohort([a, bNewer, b, c], catalog);
    expect(cohort.rows.map((r) => r.name)).toEqual(['Ada', 'Bob', 'Cy']);
    expect(cohort.rows[1].tasks['cache-warmup/bounded']).toBe('passed');
    expect(cohort.rows[2].tasks['cache-warmup/bounded']).toBe('not-tried');
    const bounded = cohort.tasks.find((t) => t.key === 'cache-warmup/bounded')!;
    expect(bounded).toMatchObject({ passed: 2, failing: 0 });
    const stillACache = cohort.tasks.find((t) => t.key === 'cache-warmup/still-a-cache')!;
    expect(stillACache).toMatchObject({ passed: 1, failing: 0 });
  });
});
