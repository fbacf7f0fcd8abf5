// Every key the workbook keeps in the browser's localStorage. Stable: the progress page reads what the
// lab panel, quizzes and chapter pages write, so change a key only together with its version prefix.
//   leakbook:v1:lab:<labId>:file:<path>  the reader's text of one file (only files that were edited)
//   leakbook:v1:lab:<labId>:undo         { reason, at, files } copy taken before reset / apply solution
//   leakbook:v1:lab:<labId>:tasks        { [taskId]: { passed, at, message? } } last Check per task
//   leakbook:v1:lab:<labId>:hints        { [taskId]: number } hints revealed per task
//   leakbook:v1:quiz:<quizId>            { answers, correct, total } a chapter's quiz
//   leakbook:v1:chapter:<slug>           ms since the epoch of the first visit
//   leakbook:v1:cohort                   the facilitator's imported progress files
//   leakbook:v1:large-type               'on' | 'off' (facilitator guide)
//   leakbook:runtime                     'local' | 'webcontainer', the reader's runtime choice
//   leakbook-theme                       'light' | 'dark', the reader's theme choice
// Timestamps are ms since the epoch.

export const PREFIX = 'leakbook:v1:';

export const labKey = (labId: string, part: string): string => `${PREFIX}lab:${labId}:${part}`;
export const fileKey = (labId: string, path: string): string => labKey(labId, `file:${path}`);
export const tasksKey = (labId: string): string => labKey(labId, 'tasks');
export const hintsKey = (labId: string): string => labKey(labId, 'hints');
export const undoKey = (labId: string): string => labKey(labId, 'undo');
/** Matches any key of a lab; group 1 is the lab id. */
export const LAB_KEY_PATTERN = /^leakbook:v1:lab:([a-z0-9][a-z0-9-]*):/;

export const QUIZ_PREFIX = `${PREFIX}quiz:`;
export const quizKey = (quizId: string): string => QUIZ_PREFIX + quizId;
export const CHAPTER_VISIT_PREFIX = `${PREFIX}chapter:`;
export const chapterVisitKey = (slug: string): string => CHAPTER_VISIT_PREFIX + slug;
export const COHORT_KEY = `${PREFIX}cohort`;
export const LARGE_TYPE_KEY = `${PREFIX}large-type`;
export const RUNTIME_KEY = 'leakbook:runtime';
export const THEME_KEY = 'leakbook-theme';
