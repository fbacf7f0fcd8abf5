// Chapter front matter validation: good and bad fixtures (tests/content/fixtures/chapters/) against a
// fixture labs folder, plus every real chapter against the real labs/ folder.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFrontmatter } from 'astro/markdown';
import { describe, expect, test } from 'vitest';
import { ChapterError, chapterSlug, validateChapter } from '../../src/content/chapter-schema.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixtures = join(here, 'fixtures');
const fixtureLabs = join(fixtures, 'labs');
const repo = join(here, '..', '..');

function frontMatter(path: string): Record<string, unknown> {
  return parseFrontmatter(readFileSync(path, 'utf8')).frontmatter;
}

function problemsOf(name: string): ChapterError {
  const file = `fixtures/chapters/${name}.mdx`;
  try {
    validateChapter(file, frontMatter(join(fixtures, 'chapters', `${name}.mdx`)), fixtureLabs);
  } catch (err) {
    if (err instanceof ChapterError) return err;
    throw err;
  }
  throw new Error(`${name}.mdx was accepted but should have been rejected`);
}

test('a complete chapter is accepted and typed', () => {
  const data = validateChapter('good.mdx', frontMatter(join(fixtures, 'chapters', 'good.mdx')), fixtureLabs);
  expect(data).toEqual({
    title: 'A good chapter',
    order: 2,
    summary: 'Memory climbs by a little with every request.',
    curve: 'slow-leak',
    labs: ['demo-lab'],
    objectives: ['Find what the map retains'],
    minutes: 25,
  });
});

describe('a bad chapter is rejected with the file and the field named', () => {
  test.each([
    ['missing-minutes', 'minutes', /required/],
    ['wrong-type-order', 'order', /number/],
    ['unknown-curve', 'curve', /spike.*slow-leak.*step.*sawtooth.*steady-with-bumps/],
    ['missing-lab', 'labs[1]', /lab "no-such-lab" does not exist \(no labs\/no-such-lab\/lab\.json\)/],
    ['no-objectives', 'objectives', /1/],
    ['misspelled-field', 'summary', /required/],
  ])('%s.mdx → field "%s"', (name, field, message) => {
    const err = problemsOf(name);
    expect(err.file).toBe(`fixtures/chapters/${name}.mdx`);
    const problem = err.problems.find((p) => p.field === field);
    expect(problem, `problems: ${JSON.stringify(err.problems)}`).toBeDefined();
    expect(problem!.message).toMatch(message);
    expect(err.message).toContain(`fixtures/chapters/${name}.mdx`);
    expect(err.message).toContain(`field "${field}"`);
  });

  test('an unknown field is named too, so a typo does not pass silently', () => {
    const err = problemsOf('misspelled-field');
    expect(err.problems.map((p) => p.field)).toContain('sumary');
  });

  test('only the missing lab is reported, not the one that exists', () => {
    expect(problemsOf('missing-lab').problems.map((p) => p.field)).toEqual(['labs[1]']);
  });
});

test('slugs drop the ordering prefix of the file name', () => {
  expect(chapterSlug('00-toolkit.mdx')).toBe('toolkit');
  expect(chapterSlug('03-lonely-ticker.mdx')).toBe('lonely-ticker');
  expect(chapterSlug('trace-map.mdx')).toBe('trace-map');
});

describe('the workbook’s own chapters', () => {
  const dir = join(repo, 'src', 'content', 'chapters');
  const files = readdirSync(dir).filter((f) => f.endsWith('.mdx'));

  test.each(files)('%s has valid front matter and its labs exist', (file) => {
    expect(() =>
      validateChapter(`src/content/chapters/${file}`, frontMatter(join(dir, file)), join(repo, 'labs')),
    ).not.toThrow();
  });

  test('orders and slugs are unique, and the Toolkit comes first', () => {
    const chapters = files.map((f) => ({ slug: chapterSlug(f), order: frontMatter(join(dir, f)).order }));
    expect(new Set(chapters.map((c) => c.order)).size).toBe(chapters.length);
    expect(new Set(chapters.map((c) => c.slug)).size).toBe(chapters.length);
    expect(chapters.find((c) => c.order === 0)?.slug).toBe('toolkit');
  });
});
