// Which chapters a reader has opened, for the progress page. Kept apart from progress.ts so chapter
// pages load only these few lines. Key: chapterVisitKey (contracts/storage-keys.ts) -> ms of the first visit.
import { chapterVisitKey } from '../../contracts/storage-keys.ts';

export function markChapterVisited(storage: Storage, slug: string, now = Date.now()): void {
  try {
    if (storage.getItem(chapterVisitKey(slug)) === null) storage.setItem(chapterVisitKey(slug), String(now));
  } catch {
    // storage disabled: progress simply is not kept
  }
}
