// Quiz answers live in localStorage so a reader's progress survives reloads without an account.
// Key: quizKey (contracts/storage-keys.ts) -> { answers: { [questionIndex]: choiceIndex },
// correct: { [questionIndex]: boolean }, total }. The progress page reads it.
import { QUIZ_PREFIX, quizKey } from '../../contracts/storage-keys.ts';

/** One check-your-understanding question: an explanation for every choice, right or wrong. */
export interface QuizQuestion {
  q: string;
  choices: string[];
  answer: number;
  explain: string[];
}

export interface QuizRecord {
  answers: Record<string, number>;
  correct: Record<string, boolean>;
  total: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export function readQuiz(storage: Pick<Storage, 'getItem'>, quizId: string): QuizRecord {
  const empty: QuizRecord = { answers: {}, correct: {}, total: 0 };
  try {
    const parsed: unknown = JSON.parse(storage.getItem(quizKey(quizId)) ?? 'null');
    if (!isRecord(parsed) || !isRecord(parsed.answers) || !isRecord(parsed.correct)) return empty;
    const out: QuizRecord = {
      answers: {},
      correct: {},
      total: Number.isInteger(parsed.total) ? (parsed.total as number) : 0,
    };
    for (const [k, v] of Object.entries(parsed.answers)) if (Number.isInteger(v)) out.answers[k] = v as number;
    for (const [k, v] of Object.entries(parsed.correct)) if (typeof v === 'boolean') out.correct[k] = v;
    return out;
  } catch {
    return empty;
  }
}

export function saveQuizAnswer(
  storage: Storage,
  quizId: string,
  total: number,
  question: number,
  choice: number,
  correct: boolean,
): void {
  const record = readQuiz(storage, quizId);
  record.answers[String(question)] = choice;
  record.correct[String(question)] = correct;
  record.total = total;
  try {
    storage.setItem(quizKey(quizId), JSON.stringify(record));
  } catch {
    // Storage full or disabled: the answer still shows, it just won't persist.
  }
}

/** Quiz ids with saved answers, for the progress page. */
export function savedQuizIds(storage: Pick<Storage, 'key' | 'length'>): string[] {
  const ids: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key?.startsWith(QUIZ_PREFIX)) ids.push(key.slice(QUIZ_PREFIX.length));
  }
  return ids;
}
