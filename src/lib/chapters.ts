// Chapters in reading order, for the home page, sidebar and prev/next links.
import { getCollection, type CollectionEntry } from 'astro:content';

export type Chapter = CollectionEntry<'chapters'>;

export async function chaptersInOrder(): Promise<Chapter[]> {
  const all = await getCollection('chapters');
  return all.sort((a, b) => a.data.order - b.data.order || a.id.localeCompare(b.id));
}

export function chapterHref(chapter: Chapter): string {
  return `/chapters/${chapter.id}/`;
}
