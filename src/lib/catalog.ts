// What the workbook contains, for the progress and facilitator pages: chapters in order with their
// labs' tasks. Built at build time from the content collection and the lab manifests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestSchema, type LabManifest } from '../../contracts/manifest.ts';
import { chaptersInOrder } from './chapters.ts';
import type { Catalog } from './progress.ts';

export function readLabManifest(id: string): LabManifest {
  const file = join(process.cwd(), 'labs', id, 'lab.json');
  return manifestSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** Quizzes are identified by their chapter's slug. */
export async function buildCatalog(): Promise<Catalog> {
  const chapters = await chaptersInOrder();
  return {
    chapters: chapters.map((c) => ({
      slug: c.id,
      title: c.data.title,
      quizId: c.id,
      labs: c.data.labs.map((id) => {
        const m = readLabManifest(id);
        return { id: m.id, title: m.title, tasks: m.tasks.map((t) => ({ id: t.id, title: t.title })) };
      }),
    })),
  };
}
