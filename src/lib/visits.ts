// Which chapters a reader has opened, for the progress page. Kept apart from progress.ts so chapter
// pages load only these few lines. Key: leakbook:v1:chapter:<slug> -> ms since the epoch of the first visit.
export const CHAPTER_VISIT_PREFIX = 'leakbook:v1:chapter:';

export function markChapterVisited(storage: Storage, slug: string, now = Date.now()): void {
  try {
    if (storage.getItem(CHAPTER_VISIT_PREFIX + slug) === null) storage.setItem(CHAPTER_VISIT_PREFIX + slug, String(now));
  } catch {
    // storage disabled: progress simply is not kept
  }
}
