// Check-your-understanding questions of "The 500 MB spreadsheet", shared by the chapter and the facilitator guide.
import type { QuizQuestion } from '../../lib/quiz-store.ts';

export const questions: QuizQuestion[] = [
  {
    q: 'A Go 1.12 service on Linux 5.x has returned 300 MB to the OS with MADV_FREE after an upload, and its RSS stays high. When does the kernel take those pages back?',
    choices: [
      'Never: MADV_FREE pages stay with the process until it exits.',
      'When the system or the container’s cgroup needs memory: lazily freed pages are reclaimed before anything is OOM-killed.',
      'Only after GODEBUG=madvdontneed=1 is set and the process restarted.',
    ],
    answer: 1,
    explain: [
      'MADV_FREE marks the pages as reclaimable at once; the kernel drops them whenever it needs memory, without waiting for the process to exit.',
      'Reclaim runs before the OOM killer, and clean lazily freed pages are among the cheapest to drop. They inflate RSS, but they do not cause kills. Memory the runtime has freed but not yet returned is another matter: the kernel cannot take that back at all, and on Go 1.12 the scavenger could hold it for five minutes or more.',
      'That setting makes the runtime return memory with MADV_DONTNEED from then on. Pages already returned with MADV_FREE are reclaimable as they are.',
    ],
  },
  {
    q: 'Parsing one upload needs 250 MB of live heap. With GOGC=100 and no GOMEMLIMIT, about how much heap should you expect at the peak?',
    choices: ['About 500 MB', 'About 250 MB', 'About 350 MB, because the GC runs every 100 MB'],
    answer: 0,
    explain: [
      'The heap goal is live heap + (live heap + GC roots) × GOGC/100, roughly twice the live heap at GOGC=100. That matches the post’s ~500 MB.',
      'That is the live data only. The collector lets the heap grow past it before the next cycle.',
      'GOGC is a percentage of the live heap, not a fixed step in megabytes.',
    ],
  },
  {
    q: 'A heap profile diff taken between uploads showed nothing growing. Why?',
    choices: [
      'A heap profile shows objects live at the last completed GC. Between uploads the parsed workbook is garbage, so there is nothing to see: it was a peak, not a leak.',
      'The diff needs -base instead of -diff_base to show growth.',
      'pprof cannot see memory allocated by excelize.',
    ],
    answer: 0,
    explain: [
      'Nothing was retained. A profile taken during an upload, or the alloc_space view, points straight at the parse.',
      'It is the other way round: -diff_base compares two in-use snapshots; -base subtracts cumulative profiles from the same process.',
      'Library allocations show up like any other, under the library’s functions.',
    ],
  },
  {
    q: 'The import streams rows and keeps memory flat. Which upload can still take the service down?',
    choices: [
      'None: streaming bounds memory for any input.',
      'Only a file that is not a valid .xlsx.',
      'A small file whose worksheet declares hundreds of megabytes, or ten normal uploads at once.',
    ],
    answer: 2,
    explain: [
      'Streaming bounds memory per row, not the amount of data an upload can make you read and stage.',
      'A malformed file should be refused with 400; it is the valid but enormous or numerous uploads that exhaust memory.',
      'Refuse parts whose declared size exceeds a limit before inflating them, and bound how many imports run at once: each import’s memory is bounded, their number must be too.',
    ],
  },
  {
    q: 'A Node service is started with --max-old-space-size=160 in a 384 MB container. What happens when an import needs 300 MB of JavaScript objects?',
    choices: [
      'The kernel’s OOM killer ends the process when it reaches 384 MB.',
      'The heap grows past 160 MB because the limit is soft, like GOMEMLIMIT.',
      'V8 aborts the process with “JavaScript heap out of memory” (exit code 134), and the container restarts it.',
    ],
    answer: 2,
    explain: [
      'V8 stops the process first, at its own heap limit. The container limit matters for memory outside the heap (Buffers, native code, other threads).',
      'Unlike GOMEMLIMIT, --max-old-space-size is a hard limit on V8’s old space.',
      'V8 collects harder as it nears the limit, then gives up and aborts. That is the sawtooth you reproduce in the lab.',
    ],
  },
];
