// Check-your-understanding questions of "gzip on OPTIONS", shared by the chapter and the facilitator guide.
import type { QuizQuestion } from '../../lib/quiz-store.ts';

export const questions: QuizQuestion[] = [
  {
    q: 'With gin-contrib/gzip registered before gin-contrib/cors, why does gzip.Writer.Close fail on a preflight?',
    choices: [
      'CORS answers with 204, and net/http refuses body bytes for 204, so the gzip header that Close writes comes back as ErrBodyNotAllowed.',
      'OPTIONS requests cannot carry an Accept-Encoding header, so the writer has no encoding to use.',
      'The flate compressor runs out of memory on empty input.',
    ],
    answer: 0,
    explain: [
      'net/http allows no body for 1xx, 204 and 304. Close writes the 10-byte gzip header first, and that write is what fails.',
      'In the post, the error came from OPTIONS requests, so the gzip middleware did wrap the preflights: it had an encoding to use. What failed was the header that Close wrote.',
      'Compressing nothing is cheap. In fact, when the header write fails, Write returns before the compressor is even created.',
    ],
  },
  {
    q: 'In Go, the failed Close leaves the gzip.Writer with an error and goes back to a sync.Pool. Can that grow memory without bound?',
    choices: [
      'Yes: every failed writer stays open and keeps its compressor forever.',
      'No: Reset clears the error on reuse, and the pool drops idle writers at garbage collections, so nothing accumulates.',
      'Only under Go versions before 1.13.',
    ],
    answer: 1,
    explain: [
      'A gzip.Writer holds no file descriptor, goroutine or C memory. An unreachable writer is ordinary garbage.',
      "Reset rebuilds the writer's state, and sync.Pool may drop any item at any time. Since Go 1.13 an item survives one extra GC in the victim cache, and then it is collected.",
      'Go 1.13 changed how quickly the pool empties (the victim cache), not whether pooled writers can pile up.',
    ],
  },
  {
    q: "The lab's chart shows RSS climbing by hundreds of megabytes while heapUsed barely moves. Where is the memory?",
    choices: [
      'In V8 objects that a garbage collection has not reached yet.',
      "In zlib's native state (about 256 KiB per deflate stream by default), allocated outside the V8 heap and held by JavaScript objects that are still reachable.",
      "In the kernel's socket buffers for the open connections.",
    ],
    answer: 1,
    explain: [
      'The checks collect garbage before they measure, and heapUsed stays flat. The growth is not on the V8 heap.',
      'A Gzip object weighs a few hundred bytes on the heap, but it owns a native "zlib_memory" block of about 285 KB (measured with this lab on Node 22.23). Heap snapshots show it as a native node; heapUsed does not count it, and external shows only a small part of it.',
      "Socket buffers are not counted in the process's RSS, and the preflight connections are idle keep-alive sockets with nothing buffered.",
    ],
  },
  {
    q: 'A client disconnects halfway through GET /stats. Which response event lets the gzip middleware release its stream?',
    choices: [
      "'finish', because every response eventually finishes.",
      "'close', because it is emitted both after a response finished and when the connection went away first.",
      'None: Node releases the zlib stream when the socket closes.',
    ],
    answer: 1,
    explain: [
      "'finish' means the whole response was handed to the operating system. A client that leaves first means it never comes.",
      "That is why compression 1.8.2 added a 'close' listener that destroys the stream.",
      'Nothing releases a stream that your own code still references. The middleware has to destroy it, or let go of it.',
    ],
  },
  {
    q: 'Which change fixes the preflight leak in the lab without breaking anything the service promises?',
    choices: [
      'Allow every origin, so preflights are never refused.',
      'Destroy every lent compressor every 30 seconds.',
      'Register CORS before gzip, and never take a compressor for OPTIONS or HEAD requests.',
      'Remove the gzip middleware.',
    ],
    answer: 2,
    explain: [
      "The refusal was never the problem; allowed preflights leak too. It also lets any site post reports from its visitors' browsers.",
      'Between sweeps the streams pile up as before, and every sweep also kills downloads that are still in progress.',
      'A preflight is answered before any compressor exists, and a request that can never carry a body never asks for one.',
      'The leak goes, and so does a tenfold saving on every /stats download.',
    ],
  },
];
