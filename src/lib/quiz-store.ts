// Quiz answers live in localStorage so a reader's progress survives reloads without an account.
// Key scheme (stable; the progress page reads it): leakbook:v1:quiz:<quizId> -> { [questionIndex]: choiceIndex }
export const QUIZ_PREFIX = 'leakbook:v1:quiz:';

export type QuizAnswers = Record<string, number>;

export function quizKey(quizId: string): string {
  return QUIZ_PREFIX + quizId;
}

export function readQuizAnswers(storage: Pick<Storage, 'getItem'>, quizId: string): QuizAnswers {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(quizKey(quizId)) ?? '{}');
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const out: QuizAnswers = {};
    for (const [k, v] of Object.entries(parsed)) if (Number.isInteger(v)) out[k] = v as number;
    return out;
  } catch {
    return {};
  }
}

export function saveQuizAnswer(storage: Storage, quizId: string, question: number, choice: number): void {
  const answers = readQuizAnswers(storage, quizId);
  answers[String(question)] = choice;
  try {
    storage.setItem(quizKey(quizId), JSON.stringify(answers));
  } catch {
    // Storage full or disabled: the answer still shows, it just won't persist.
  }
}
