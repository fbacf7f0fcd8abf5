// Lines of a child's output (the kit's framing over pipes and PTYs) and one-line error descriptions.
import type { Readable } from 'node:stream';
import { LINE_CAP, LineSplitter } from '../contracts/lines.ts';

/** The start of a lab protocol line ("\u001eLB "): a protocol line begins wherever it appears, so
 * output printed without a newline before it is not lost. */
const PROTOCOL_STEM = '\u001eLB';

export function onLines(stream: Readable, onLine: (line: string) => void, onEnd?: () => void): void {
  const lines = new LineSplitter(LINE_CAP, PROTOCOL_STEM);
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => lines.push(chunk).forEach(onLine));
  stream.on('end', () => {
    lines.flush().forEach(onLine);
    onEnd?.();
  });
}

/** One-line, source-free description of an error: "TypeError: x is not a function (app/cache.ts:12)". */
export function describeError(err: unknown, root?: string): string {
  if (!(err instanceof Error)) return String(err);
  // a plain Error's name adds nothing for the reader; TypeError, SyntaxError… say what went wrong
  const head = (err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message).split('\n')[0];
  const where = firstAppFrame(err.stack ?? '', root);
  return where ? `${head} (${where})` : head;
}

/** The first stack location inside the lab's own app/ folder, relative to the workspace. */
function firstAppFrame(stack: string, root?: string): string | null {
  const m = stack.match(/(?:file:\/\/)?(\/[^\s():]*\/app\/[^\s():]+):(\d+)(?::\d+)?/);
  if (!m) return null;
  const file = m[1];
  const at =
    root && file.startsWith(root)
      ? file.slice(root.length).replace(/^\/+/, '')
      : file.slice(file.lastIndexOf('/app/') + 1);
  return `${at}:${m[2]}`;
}
