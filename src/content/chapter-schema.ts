// Chapter front matter: the single definition of its shape, plus the checks that need the file system
// (every referenced lab must exist). Pure Node + zod so unit tests can use it without Astro.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const curveKinds = ['spike', 'slow-leak', 'step', 'sawtooth', 'steady-with-bumps'] as const;
export type CurveKind = (typeof curveKinds)[number];

const labId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lab id uses lowercase letters, digits and dashes');

export const chapterSchema = z
  .object({
    title: z.string().min(3),
    /** position in the table of contents; 0 is the Toolkit */
    order: z.number().int().min(0),
    /** the incident in one line: the symptom a reader would have seen */
    summary: z.string().min(10),
    curve: z.enum(curveKinds),
    labs: z.array(labId),
    objectives: z.array(z.string().min(3)).min(1),
    minutes: z.number().int().positive().max(240),
  })
  .strict();

export type ChapterData = z.infer<typeof chapterSchema>;

export interface ChapterProblem {
  /** dotted path of the front-matter field, e.g. "labs[0]" */
  field: string;
  message: string;
}

function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out || '(front matter)';
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const key of path)
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/** Every problem with one chapter's front matter: shape first, then labs that do not exist on disk. */
export function chapterProblems(data: unknown, labsDir: string): ChapterProblem[] {
  const parsed = chapterSchema.safeParse(data);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => {
      const field = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : fieldName(issue.path);
      const missing = issue.code === 'invalid_type' && valueAt(data, issue.path) === undefined;
      return { field, message: missing ? 'is required' : issue.message };
    });
  }
  const problems: ChapterProblem[] = [];
  parsed.data.labs.forEach((id, i) => {
    const manifest = join(labsDir, id, 'lab.json');
    if (!existsSync(manifest))
      problems.push({ field: `labs[${i}]`, message: `lab "${id}" does not exist (no labs/${id}/lab.json)` });
  });
  return problems;
}

export class ChapterError extends Error {
  readonly file: string;
  readonly problems: ChapterProblem[];
  constructor(file: string, problems: ChapterProblem[]) {
    super(`Invalid chapter ${file}:\n${problems.map((p) => `  - field "${p.field}": ${p.message}`).join('\n')}`);
    this.name = 'ChapterError';
    this.file = file;
    this.problems = problems;
  }
}

/** Validates one chapter's front matter; throws a ChapterError naming the file and every bad field. */
export function validateChapter(file: string, data: unknown, labsDir: string): ChapterData {
  const problems = chapterProblems(data, labsDir);
  if (problems.length) throw new ChapterError(file, problems);
  return chapterSchema.parse(data);
}

/** Chapter slug from its file name: "03-lonely-ticker.mdx" → "lonely-ticker". */
export function chapterSlug(fileName: string): string {
  return fileName.replace(/\.mdx?$/, '').replace(/^\d+-/, '');
}
