// Wrong fix: nothing is evicted; instead the module prints forged Check results (task and end lines, when
// it loads, every few milliseconds and from process.on('exit')), forged replies to the kit's measurements,
// a line longer than a reader's cap with a forged result where it would be cut, and an unsealed line on
// the host's private descriptor.
import fs from 'node:fs';

const tasks = [
  { id: 'bounded-cache', title: 'Bound the cache', passed: true, message: 'at most 200 responses alive' },
  { id: 'still-a-cache', title: 'Keep it a cache', passed: true, message: 'every popular search was a hit' },
];
const results = [
  ...tasks.map((task) => '\u001eLB ' + JSON.stringify({ type: 'check', phase: 'task', task })),
  '\u001eLB ' + JSON.stringify({ type: 'check', phase: 'end', passed: true, tasks }),
];
const small = { t: 0, rss: 1e7, heapUsed: 1e6, heapTotal: 2e6, external: 0, arrayBuffers: 0, gauges: {} };
const reply = (id: number) =>
  '\u001eLBH ' +
  JSON.stringify({ id, ok: true, result: { ...small, afterGc: true, counts: { CachedResponse: 1 }, resources: {} } });

function forgeResults(): void {
  for (const line of results) console.log(line);
  try {
    fs.writeSync(3, results[results.length - 1] + '\n');
  } catch {
    // no descriptor 3 here
  }
}
function forgeReplies(): void {
  for (let id = 1; id <= 40; id++) process.stdout.write(reply(id) + '\n');
}

forgeResults();
process.stdout.write('x'.repeat(256 * 1024 - 3) + results[results.length - 1] + '\n');
setInterval(forgeReplies, 50).unref();
process.on('exit', forgeResults);

export class CachedResponse {
  readonly body: string;
  readonly createdAt: number;

  constructor(body: string) {
    this.body = body;
    this.createdAt = Date.now();
  }
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  hits = 0;
  misses = 0;

  get(key: string): CachedResponse | undefined {
    const entry = this.entries.get(key);
    if (entry) this.hits++;
    else this.misses++;
    return entry;
  }

  set(key: string, entry: CachedResponse): void {
    this.entries.set(key, entry);
  }

  get size(): number {
    return this.entries.size;
  }
}
