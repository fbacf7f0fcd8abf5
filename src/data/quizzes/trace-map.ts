// Check-your-understanding questions of "The trace-ID map", shared by the chapter and the facilitator guide.
import type { QuizQuestion } from '../../lib/quiz-store.ts';

export const questions: QuizQuestion[] = [
  {
    q: 'A Go service deletes every map entry it creates, yet the map is never resized down. What does its memory curve look like over a week of steady traffic?',
    choices: [
      'It climbs steadily, because deleted entries keep their values.',
      'It rises to the size needed for the busiest moment, then stays flat.',
      'It returns to the starting level after every garbage collection.',
    ],
    answer: 1,
    explain: [
      'delete clears the key and the value, so the log lines become garbage. Only the table stays.',
      'The table keeps the size of its peak number of simultaneous entries: a plateau, not a climb.',
      'The table itself is never released, so memory does not fully return to the start.',
    ],
  },
  {
    q: 'Why did calling debug.FreeOSMemory() every ten minutes leave the curve unchanged?',
    choices: [
      'It only works when GOGC is off.',
      'The log lines were still reachable from a global map, so no collection could free them.',
      'It returns memory to the OS only with GODEBUG=madvdontneed=1.',
    ],
    answer: 1,
    explain: [
      'GOGC has nothing to do with it: FreeOSMemory forces a collection whatever GOGC says.',
      'A GC frees unreachable objects only. Everything referenced from a package variable survives.',
      'The madvise mode changes how fast freed pages leave RSS; it cannot free reachable data.',
    ],
  },
  {
    q: 'In a Node service, cleanup runs in res.on("finish"). Which requests leave their entry in the map?',
    choices: [
      'Requests answered with status 500.',
      'Requests whose client disconnects before the response is fully sent.',
      'None: finish is always emitted.',
    ],
    answer: 1,
    explain: [
      'An error response is still a complete response: finish fires once it is handed to the OS.',
      'finish needs the whole response handed to the OS. A dropped connection only emits close.',
      'finish is skipped when the connection is destroyed first; close is the event that always comes.',
    ],
  },
  {
    q: 'Which fix removes the leak without losing logs?',
    choices: [
      'Clear the whole map every hour.',
      'Cap the map at 10,000 entries and evict the oldest.',
      'Give each request and each job its own buffer and flush it when it ends, with a follow-up for late lines.',
    ],
    answer: 2,
    explain: [
      'Clearing also throws away the lines of requests still running: logs are lost.',
      'Eviction bounds memory by dropping data, and the evicted requests never get their logs uploaded.',
      'Each buffer dies with its owner, nothing global needs cleaning, and every line is still uploaded.',
    ],
  },
];
