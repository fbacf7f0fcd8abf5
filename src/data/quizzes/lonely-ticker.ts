// Check-your-understanding questions of "The lonely ticker", shared by the chapter and the facilitator guide.
import type { QuizQuestion } from '../../lib/quiz-store.ts';

export const questions: QuizQuestion[] = [
  {
    q: "In the Go service, tens of thousands of goroutines were parked, yet the heap diff pointed at nothing in the author's code. Why?",
    choices: [
      'The heap profile samples too rarely to notice small objects.',
      "Each parked goroutine's stack, at least 2 KiB, is not a heap allocation, so a heap profile does not record it; the heap part shows up under runtime and standard-library functions such as runtime.malg.",
      'The goroutines had no local variables, so they used no memory at all.',
    ],
    answer: 1,
    explain: [
      "Sampling is statistical but unbiased: thousands of identical allocations do show up. They did, just not under the author's functions.",
      'Stacks are accounted separately (StackInuse in runtime.MemStats). What does reach the heap, goroutine descriptors and stopped tickers, is allocated in runtime.malg and time.NewTicker, easy to take for runtime noise. The goroutine profile shows the whole picture at once.',
      "Every goroutine has a stack of at least 2 KiB whatever its variables (more when the runtime's adaptive starting size has grown), plus a descriptor on the heap.",
    ],
  },
  {
    q: 'A goroutine is blocked in <-t.C when another goroutine calls t.Stop(). What happens to the first one in Go 1.23 and later?',
    choices: [
      'It receives a zero value, because Stop closes the channel.',
      'The garbage collector frees it once nothing else references the ticker.',
      'It stays blocked for good, and the goroutine, everything it references and the stopped ticker itself all stay live.',
    ],
    answer: 2,
    explain: [
      'Stop never closes the channel, precisely so that a reader cannot mistake the close for a tick.',
      'Goroutines are never garbage collected. A goroutine only goes away by returning.',
      'Go 1.23 made unreferenced timers collectable and removed stale ticks after Stop, but a blocked goroutine is a GC root and nothing will ever wake it. Its wait record references the channel, and since Go 1.23 the runtime timer lives with its channel, so the stopped ticker is not collected either.',
    ],
  },
  {
    q: 'Why did the leak appear only in production?',
    choices: [
      'Only the size-triggered flush strands a goroutine, and it takes 5,000 reports within ten seconds of a batch opening to reach it.',
      'Production ran on a newer Go version with different timer semantics.',
      'The test environment restarted its pods every night, which cleared the goroutines.',
    ],
    answer: 0,
    explain: [
      'Unless 5,000 reports arrive within ten seconds of a batch opening, every batch leaves on its tick, and that flusher returns normally. Only a batch that fills up is flushed by PushBack, which stops the ticker under the waiting goroutine.',
      'The code behaved the same everywhere. What differed was the load.',
      'Restarts would hide the climb, but the post says the test environment was simply fine: it never reached the code path.',
    ],
  },
  {
    q: 'A Node.js function runs await once(emitter, "tick"), and the emitter never emits again. When is that a leak?',
    choices: [
      'Always: a pending promise is a GC root, just like a blocked goroutine.',
      'Never: V8 rejects promises that can no longer settle.',
      'When something long-lived keeps the emitter reachable: its listener then keeps the promise, the suspended function and everything it references alive.',
    ],
    answer: 2,
    explain: [
      'A pending promise is an ordinary object. If nothing reachable can settle it, it is collected together with the suspended function.',
      'Nothing rejects it. If it stays reachable it simply waits forever, holding what it captured.',
      'That is the Node shape of this incident: a long-lived emitter whose listener list only grows. MaxListenersExceededWarning is the alarm for exactly that.',
    ],
  },
  {
    q: "Which change fixes the lab's queue without breaking what it promises?",
    choices: [
      'An AbortController per timed batch: flush() aborts it, and the flusher passes its signal to the wait and returns when it aborts.',
      'ticker.setMaxListeners(0), so the warning stops.',
      'Flush on every push, so no batch ever needs a timer.',
    ],
    answer: 0,
    explain: [
      "This is Go's select on a done channel in Node form: the waiter has a second way out, taken whenever its batch leaves by size, by timer or at shutdown.",
      'The warning is the one alarm that fires on its own; silencing it leaves every stranded flusher and its batch in memory.',
      'No waiter, but also no batching: the batch endpoint receives one report at a time.',
    ],
  },
];
