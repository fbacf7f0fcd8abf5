// A learner's progress, read from what the workbook keeps in localStorage (progress-store.ts for labs,
// quiz-store.ts, visits.ts), and the file a learner exports for a facilitator. Everything runs in the browser; nothing leaves it unless the learner
// downloads the file. The file holds a display name the learner picks and progress, nothing else.
import { z } from 'zod';
import { chapterVisitKey } from '../../contracts/storage-keys.ts';
import { readTasks } from './progress-store.ts';
import { readQuiz } from './quiz-store.ts';

export { markChapterVisited } from './visits.ts';

/** Import refuses anything larger: a real progress file is a few kilobytes. */
export const MAX_FILE_BYTES = 256 * 1024;

/** What the workbook contains, built at build time from the chapters and lab manifests. */
export interface Catalog {
  chapters: Array<{
    slug: string;
    title: string;
    quizId: string | null;
    labs: Array<{ id: string; title: string; tasks: Array<{ id: string; title: string }> }>;
  }>;
}

const name = z
  .string()
  .trim()
  .min(1, 'the display name is empty')
  .max(60, 'the display name is longer than 60 characters');
const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/);

export const progressFileSchema = z
  .object({
    format: z.literal('leakbook-progress'),
    version: z.literal(1),
    name,
    exportedAt: z.iso.datetime(),
    chapters: z.record(id, z.object({ visitedAt: z.number().int().nonnegative() }).strict()),
    labs: z.record(
      id,
      z.record(
        id,
        z
          .object({ passed: z.boolean(), at: z.number().int().nonnegative(), message: z.string().max(400).optional() })
          .strict(),
      ),
    ),
    quizzes: z.record(
      id,
      z
        .object({
          answered: z.number().int().nonnegative(),
          correct: z.number().int().nonnegative(),
          total: z.number().int().positive(),
        })
        .strict()
        .refine((q) => q.correct <= q.answered && q.answered <= q.total, 'counts do not add up'),
    ),
  })
  .strict();

export type ProgressFile = z.infer<typeof progressFileSchema>;

type ReadStorage = Pick<Storage, 'getItem'>;

/** The learner's progress as it would be exported (without name and date). */
export function collectProgress(
  storage: ReadStorage,
  catalog: Catalog,
): Omit<ProgressFile, 'format' | 'version' | 'name' | 'exportedAt'> {
  const out: Omit<ProgressFile, 'format' | 'version' | 'name' | 'exportedAt'> = { chapters: {}, labs: {}, quizzes: {} };
  for (const chapter of catalog.chapters) {
    const visited = Number(storage.getItem(chapterVisitKey(chapter.slug)));
    if (Number.isInteger(visited) && visited > 0) out.chapters[chapter.slug] = { visitedAt: visited };
    if (chapter.quizId) {
      const quiz = readQuiz(storage, chapter.quizId);
      const answered = Object.keys(quiz.answers).length;
      if (answered > 0 && quiz.total >= answered) {
        out.quizzes[chapter.quizId] = {
          answered,
          correct: Object.values(quiz.correct).filter(Boolean).length,
          total: quiz.total,
        };
      }
    }
    for (const lab of chapter.labs) {
      const saved = readTasks(storage, lab.id);
      const tasks: ProgressFile['labs'][string] = {};
      for (const task of lab.tasks) {
        const t = saved[task.id];
        if (!t || !Number.isInteger(t.at)) continue;
        tasks[task.id] = {
          passed: t.passed,
          at: t.at,
          ...(t.message !== undefined ? { message: t.message.slice(0, 400) } : {}),
        };
      }
      if (Object.keys(tasks).length > 0) out.labs[lab.id] = tasks;
    }
  }
  return out;
}

export function buildProgressFile(
  storage: ReadStorage,
  catalog: Catalog,
  displayName: string,
  now = new Date(),
): ProgressFile {
  const checked = name.safeParse(displayName);
  if (!checked.success) throw new Error(`Choose a display name first: ${checked.error.issues[0].message}.`);
  return {
    format: 'leakbook-progress',
    version: 1,
    name: checked.data,
    exportedAt: now.toISOString(),
    ...collectProgress(storage, catalog),
  };
}

export type ParseResult = { ok: true; file: ProgressFile } | { ok: false; error: string };

/** Validates an imported file completely before anything is changed; errors say what is wrong with it. */
export function parseProgressFile(text: string, catalog: Catalog, fileName = 'the file'): ParseResult {
  if (text.length > MAX_FILE_BYTES)
    return {
      ok: false,
      error: `${fileName} is ${Math.round(text.length / 1024)} KB; a Leakbook progress file is a few KB. Nothing was imported.`,
    };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: `${fileName} is not a Leakbook progress file (it is not JSON). Nothing was imported.` };
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (format !== 'leakbook-progress') {
    return {
      ok: false,
      error: `${fileName} is not a Leakbook progress file (it has no "format": "leakbook-progress"). Nothing was imported.`,
    };
  }
  const parsed = progressFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? issue.path.join('.') : 'the file';
    return { ok: false, error: `${fileName} is damaged: ${where}: ${issue.message}. Nothing was imported.` };
  }
  const labs = new Map(catalog.chapters.flatMap((c) => c.labs).map((l) => [l.id, new Set(l.tasks.map((t) => t.id))]));
  for (const [labId, tasks] of Object.entries(parsed.data.labs)) {
    const known = labs.get(labId);
    if (!known)
      return {
        ok: false,
        error: `${fileName} has progress for a lab this workbook does not have ("${labId}"). Nothing was imported.`,
      };
    const unknownTask = Object.keys(tasks).find((t) => !known.has(t));
    if (unknownTask)
      return {
        ok: false,
        error: `${fileName} has progress for a task lab "${labId}" does not have ("${unknownTask}"). Nothing was imported.`,
      };
  }
  return { ok: true, file: parsed.data };
}

export type TaskState = 'passed' | 'failing' | 'not-tried';

export interface CohortRow {
  name: string;
  exportedAt: string;
  chaptersVisited: number;
  tasks: Record<string, TaskState>; // key: `${labId}/${taskId}`
  quizzes: Record<string, { correct: number; total: number } | null>;
}

export interface CohortSummary {
  rows: CohortRow[];
  /** per task: how many passed, how many tried and are still failing — where people are stuck */
  tasks: Array<{ key: string; lab: string; title: string; passed: number; failing: number }>;
}

/** One row per learner (the newest file wins for a repeated name), plus per-task counts. */
export function summarizeCohort(files: ProgressFile[], catalog: Catalog): CohortSummary {
  const byName = new Map<string, ProgressFile>();
  for (const f of files) {
    const prev = byName.get(f.name);
    if (!prev || prev.exportedAt <= f.exportedAt) byName.set(f.name, f);
  }
  const allTasks = catalog.chapters.flatMap((c) =>
    c.labs.flatMap((l) =>
      l.tasks.map((t) => ({ key: `${l.id}/${t.id}`, lab: l.title, title: t.title, labId: l.id, taskId: t.id })),
    ),
  );
  const rows: CohortRow[] = [...byName.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((f) => ({
      name: f.name,
      exportedAt: f.exportedAt,
      chaptersVisited: Object.keys(f.chapters).length,
      tasks: Object.fromEntries(
        allTasks.map((t) => {
          const p = f.labs[t.labId]?.[t.taskId];
          return [t.key, p ? (p.passed ? 'passed' : 'failing') : 'not-tried'];
        }),
      ),
      quizzes: Object.fromEntries(
        catalog.chapters
          .filter((c) => c.quizId)
          .map((c) => {
            const q = f.quizzes[c.quizId!];
            return [c.quizId!, q ? { correct: q.correct, total: q.total } : null];
          }),
      ),
    }));
  return {
    rows,
    tasks: allTasks.map((t) => ({
      key: t.key,
      lab: t.lab,
      title: t.title,
      passed: rows.filter((r) => r.tasks[t.key] === 'passed').length,
      failing: rows.filter((r) => r.tasks[t.key] === 'failing').length,
    })),
  };
}
