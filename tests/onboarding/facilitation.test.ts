// The facilitator guide is only useful if its numbers hold: every agenda fills exactly its length, every
// chapter has notes, and each chapter's timings add up to the minutes its page announces.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agendas, facilitation } from '../../src/data/facilitation.ts';

const chaptersDir = join(import.meta.dirname, '..', '..', 'src', 'content', 'chapters');
const chapters = readdirSync(chaptersDir)
  .filter((f) => f.endsWith('.mdx'))
  .map((f) => {
    const text = readFileSync(join(chaptersDir, f), 'utf8');
    return {
      slug: f.replace(/^\d+-/, '').replace(/\.mdx$/, ''),
      minutes: Number(/^minutes:\s*(\d+)/m.exec(text)?.[1]),
    };
  });

describe('facilitation data', () => {
  it('has notes, prompts and wrong fixes for every chapter', () => {
    for (const c of chapters) {
      const notes = facilitation[c.slug];
      expect(notes, c.slug).toBeDefined();
      expect(notes.prompts.length, c.slug).toBeGreaterThanOrEqual(2);
      expect(notes.wrongFixes.length, c.slug).toBeGreaterThanOrEqual(2);
    }
  });

  it("adds each chapter's timings up to the minutes the chapter announces", () => {
    for (const c of chapters)
      expect(
        facilitation[c.slug].timings.reduce((s, t) => s + t.minutes, 0),
        c.slug,
      ).toBe(c.minutes);
  });

  it('fills every agenda exactly and only refers to chapters that exist', () => {
    const slugs = new Set(chapters.map((c) => c.slug));
    for (const a of agendas) {
      expect(
        a.blocks.reduce((s, b) => s + b.minutes, 0),
        a.title,
      ).toBe(a.minutes);
      for (const b of a.blocks) if (b.chapter) expect(slugs.has(b.chapter), b.chapter).toBe(true);
    }
    expect(agendas.map((a) => a.minutes)).toEqual([60, 90, 180]);
  });
});
