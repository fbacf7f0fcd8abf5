// Check-your-understanding questions of the Toolkit chapter, shared by the chapter and the facilitator guide.
import type { QuizQuestion } from '../../lib/quiz-store.ts';

export const questions: QuizQuestion[] = [
  {
    q: "A service's RSS has climbed for three days; heapUsed after GC is flat at 60 MB. Where do you look first?",
    choices: [
      'Heap snapshots: diff two of them and sort by # Delta',
      'Native memory: streams, compressors or sockets that are never closed, and the JS objects that own them',
      'Raise --max-old-space-size so V8 has more room',
    ],
    answer: 1,
    explain: [
      'A snapshot diff can still find the small JS objects that own native memory, but a flat heap says the growth itself is outside V8.',
      'Right. When RSS grows and the heap does not, the memory lives outside V8: zlib streams are the classic case, and external may barely move.',
      'The heap is not what is growing, so a larger heap limit changes nothing except how late you notice.',
    ],
  },
  {
    q: 'Memory climbs to the container limit, drops to the baseline, and climbs again, every six hours. What is this?',
    choices: [
      'Normal garbage collection with a long cycle',
      'A leak whose process is OOM-killed and restarted each time it reaches the limit',
      'The allocator returning memory to the OS lazily',
    ],
    answer: 1,
    explain: [
      'A collection returns memory to a floor without a restart. Check the restart count: if it rises at every drop, this is not GC.',
      'Right. Each tooth is one process lifetime. Restarts hide the leak; the slope of each tooth is the leak rate.',
      'Lazily freed memory keeps RSS high but does not produce a regular climb to the limit followed by a drop to baseline.',
    ],
  },
  {
    q: 'In the three-snapshot technique, which objects are the leak candidates?',
    choices: [
      'Objects with the largest shallow size in snapshot C',
      'Objects allocated between A and B that are still alive in C, growing by about N per round',
      'Everything in # New between B and C',
    ],
    answer: 1,
    explain: [
      'Large objects are not necessarily leaking; a big cache allocated at start-up is in every snapshot.',
      'Right. Survivors of a later round that grow with the number of repetitions are retained per action.',
      'New objects between B and C include short-lived churn that would be collected; you need survivors.',
    ],
  },
];
