// What a facilitator needs per chapter, in one place: the chapter's <FacilitatorNotes slug="…"/> and the
// facilitator guide page (/guide/) both render from here. Objectives come from the chapter's front matter;
// a chapter's timings add up to its estimated minutes. Agendas shorten chapters to fit a session.
export interface Facilitation {
  /** minutes per activity, in order */
  timings: Array<{ activity: string; minutes: number }>;
  prompts: string[];
  wrongFixes: Array<{ fix: string; teaches: string }>;
}

export const facilitation: Record<string, Facilitation> = {
  toolkit: {
    timings: [
      {
        activity: 'Curve shapes, with a real dashboard from your own team if you have one; learners name each shape',
        minutes: 8,
      },
      { activity: 'Heap vs RSS vs native memory, snapshots and the three-snapshot technique', minutes: 7 },
      {
        activity: 'Warm-up lab in pairs: trigger the search storm, two snapshots, diff, fix, Check; then the quiz',
        minutes: 15,
      },
    ],
    prompts: [
      'Which graph does your team alert on today: RSS, heap, or the container’s working set? What would each have shown in the incidents?',
      'Why is one heap snapshot almost useless on its own, and what does a second one add?',
      'When is a growing cache not a leak?',
      'When did someone last “fix” memory by raising a limit? What happened next?',
    ],
    wrongFixes: [
      {
        fix: 'Raising --max-old-space-size or the container limit',
        teaches: 'The curve keeps its shape; the teeth just get longer.',
      },
      { fix: 'Calling global.gc() on a timer', teaches: 'A collection cannot free what is still reachable.' },
      {
        fix: 'Removing the cache',
        teaches:
          'Memory is flat, but the service loses the behaviour the cache existed for; the check counts cache hits.',
      },
      {
        fix: 'Clearing the whole cache on a schedule',
        teaches:
          'Memory drops, and so does the hit rate the cache exists for; a size bound says what the cache may hold.',
      },
    ],
  },
  spreadsheet: {
    timings: [
      { activity: 'The incident and the curve; learners predict the cause', minutes: 5 },
      { activity: 'What is actually true: MADV_FREE, GOGC headroom, GOMEMLIMIT, the model', minutes: 8 },
      { activity: 'Lab: eight uploads, watch the restarts, stream the import, refuse bad input', minutes: 17 },
      { activity: 'Debrief: which of the post’s three fixes would have worked?', minutes: 5 },
    ],
    prompts: [
      'The post blamed MADV_FREE. What would the curve look like if that were the cause, and what does it actually look like?',
      'Your container limit is 512 MB and the live heap peaks at 300 MB. What does GOGC=100 do to you, and what does GOMEMLIMIT change?',
      'Two uploads arrive at the same time. What happens to the peak, and what should the service say to the second one?',
    ],
    wrongFixes: [
      {
        fix: 'Raising the heap limit',
        teaches:
          'Moves the crash to a bigger file or to two concurrent uploads; the check runs under the container’s limit.',
      },
      {
        fix: 'Calling gc() by hand',
        teaches: 'A collection cannot free a workbook that is still referenced; the peak is live data, not garbage.',
      },
      {
        fix: 'Importing only the first 1,000 rows',
        teaches: 'Silently drops data; the check compares every row with the generator.',
      },
      {
        fix: 'Skipping rows that fail to parse',
        teaches: 'Bad input must be refused with a clear message and leave the store unchanged, not half-imported.',
      },
    ],
  },
  'gzip-preflight': {
    timings: [
      { activity: 'The incident, the error message and the middleware order', minutes: 8 },
      { activity: 'What is actually true in Go: ErrBodyNotAllowed, sync.Pool, what really holds memory', minutes: 8 },
      {
        activity: 'Lab: dashboard traffic and flaky clients, find the zlib memory, fix order and abort path',
        minutes: 25,
      },
      { activity: 'Debrief: why heapUsed stayed flat', minutes: 4 },
    ],
    prompts: [
      'Why does the chart show RSS climbing while heapUsed stays flat? Where does that memory live?',
      'Which of your middlewares can end a request early, and which ones allocate something before they know?',
      'Why does "finish" never fire for a client that disconnects, and what event always does?',
    ],
    wrongFixes: [
      { fix: 'Removing compression', teaches: 'The leak goes with the feature; the check decodes a gzip response.' },
      {
        fix: 'Removing CORS or allowing every origin',
        teaches:
          'Fixes nothing about the compressor and opens the API to any site; the check sends disallowed origins.',
      },
      {
        fix: 'Destroying streams on a timer',
        teaches:
          'Races live downloads and still holds memory until the timer fires; release belongs to the response’s end.',
      },
    ],
  },
  'lonely-ticker': {
    timings: [
      { activity: 'The incident: only in production; the post’s JavaScript and Go versions side by side', minutes: 8 },
      { activity: 'What is actually true: Ticker.Stop, Go 1.23 timers, goroutines as GC roots', minutes: 10 },
      { activity: 'Lab: staging vs production traffic, find the parked waiters, fix with AbortSignal', minutes: 25 },
      {
        activity: 'Debrief: how would you have caught this in a test? (goleak, testing/synctest, a goroutine gauge)',
        minutes: 7,
      },
    ],
    prompts: [
      'Why did the heap diff show nothing, and which number would have shown the leak on day one?',
      'The post’s JavaScript version cannot strand a waiter (though, as printed, it loses every batch). What does clearTimeout do that ticker.Stop does not?',
      'Why did staging never leak? What does that say about load in your test environments?',
    ],
    wrongFixes: [
      {
        fix: 'Raising or disabling the max-listeners limit',
        teaches: 'Silences Node’s leak alarm; the listeners and their closures are still there.',
      },
      {
        fix: 'Removing the timed flush',
        teaches: 'No waiter, but small batches wait forever; the check sends a partial batch and waits for it.',
      },
      {
        fix: 'Flushing on every push',
        teaches: 'No leak and no batching: the sink is hammered with one-record batches.',
      },
      {
        fix: 'Dropping records when the queue is full',
        teaches: 'Bounded memory by losing data; the check counts every record exactly once.',
      },
    ],
  },
  'trace-map': {
    timings: [
      { activity: 'Reading the incident and the curve', minutes: 10 },
      { activity: 'Predict the cause before the lab: plateau or climb?', minutes: 5 },
      { activity: 'Lab: trigger a day of traffic, snapshot diff, replace the global map', minutes: 20 },
      { activity: 'Discussion', minutes: 10 },
    ],
    prompts: [
      'The post blames the map. What shape would the curve have if the post were right? What shape does it have?',
      'Where else in your services does work run outside the request middleware: queue consumers, cron jobs, start-up tasks?',
      'What metric would have made this leak obvious on the first day?',
    ],
    wrongFixes: [
      {
        fix: 'Clearing the map on a timer',
        teaches: 'Memory goes flat and the check shows lost logs: bounding memory by dropping data is a different bug.',
      },
      {
        fix: 'Capping the map or evicting the oldest entries',
        teaches: 'Same lesson: the evicted requests’ logs never arrive.',
      },
      {
        fix: 'Deleting in more “finish” handlers',
        teaches: 'Disconnecting clients still leak; “close” is the event that always fires.',
      },
      { fix: 'Wrapping the map in a mutex', teaches: 'Fixes a race, not the leak.' },
    ],
  },
};

export interface Agenda {
  minutes: number;
  title: string;
  blocks: Array<{ minutes: number; what: string; chapter?: string }>;
}

export const agendas: Agenda[] = [
  {
    minutes: 60,
    title: 'One hour: the method and one incident',
    blocks: [
      { minutes: 5, what: 'Welcome; everyone opens Leakbook and runs `npm start` (or uses the hosted copy)' },
      { minutes: 20, what: 'Toolkit: curve shapes, heap vs RSS, warm-up lab', chapter: 'toolkit' },
      { minutes: 30, what: 'gzip on OPTIONS: read, lab, fix', chapter: 'gzip-preflight' },
      { minutes: 5, what: 'Export progress files; glance at the cohort table' },
    ],
  },
  {
    minutes: 90,
    title: '90 minutes: the method and two contrasting leaks',
    blocks: [
      { minutes: 5, what: 'Welcome and setup check: every learner starts the warm-up lab' },
      { minutes: 20, what: 'Toolkit: curve shapes, snapshots, warm-up lab', chapter: 'toolkit' },
      { minutes: 30, what: 'gzip on OPTIONS: native memory that heapUsed does not show', chapter: 'gzip-preflight' },
      { minutes: 25, what: 'The trace-ID map: a global index and the paths that never clean it', chapter: 'trace-map' },
      {
        minutes: 10,
        what: 'Learners export progress; the facilitator imports the files and walks the cohort table: where were people stuck?',
      },
    ],
  },
  {
    minutes: 180,
    title: 'Half a day: every incident',
    blocks: [
      { minutes: 10, what: 'Welcome, goals, setup check' },
      { minutes: 25, what: 'Toolkit and warm-up lab', chapter: 'toolkit' },
      { minutes: 35, what: 'The 500 MB spreadsheet', chapter: 'spreadsheet' },
      { minutes: 10, what: 'Break' },
      { minutes: 30, what: 'gzip on OPTIONS', chapter: 'gzip-preflight' },
      { minutes: 30, what: 'The lonely ticker', chapter: 'lonely-ticker' },
      { minutes: 25, what: 'The trace-ID map', chapter: 'trace-map' },
      { minutes: 15, what: 'Cohort table, the field guide, and what each team will check in its own services' },
    ],
  },
];
