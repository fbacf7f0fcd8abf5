// What the container's Node can do, asked once per boot before any lab runs. The probe is itself a
// TypeScript module, so running it also proves (or disproves) that this Node strips types.
import type { WcContainer } from './webcontainer-api.ts';

export const PROBE_PREFIX = '\u001eLBPROBE ';
export const PROBE_DIR = '.leakbook-probe';

export interface NodeProbe {
  version: string;
  webcontainer: string | null;
  typescript: string | null;
  getHeapSnapshot: string;
  writeHeapSnapshot: string;
  queryObjects: string;
  memoryUsage: string;
  /** extra node flags needed to run .ts files ([] when it works as is) */
  tsFlags: string[];
}

const PROBE_SOURCE = `// Leakbook runtime probe
const report: Record<string, unknown> = {};
const note = (key: string, read: () => unknown): void => {
  try { report[key] = read(); } catch (err) { report[key] = 'error: ' + (err as Error).message; }
};
note('version', () => process.version);
note('webcontainer', () => (process.versions as Record<string, string | undefined>).webcontainer ?? null);
note('typescript', () => (process.features as { typescript?: unknown }).typescript ?? null);
let v8: Record<string, unknown> = {};
try { v8 = (await import('node:v8')) as unknown as Record<string, unknown>; } catch {}
note('getHeapSnapshot', () => typeof v8.getHeapSnapshot);
note('writeHeapSnapshot', () => typeof v8.writeHeapSnapshot);
note('queryObjects', () => typeof v8.queryObjects);
note('memoryUsage', () => typeof process.memoryUsage);
console.log(${JSON.stringify(PROBE_PREFIX)} + JSON.stringify(report));
`;

export class ProbeError extends Error {}

async function collect(stream: ReadableStream<string>): Promise<string> {
  let text = '';
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  return text;
}

async function runProbe(
  wc: WcContainer,
  flags: string[],
): Promise<{ report: Omit<NodeProbe, 'tsFlags'> | null; output: string }> {
  const proc = await wc.spawn('node', [...flags, 'probe.mts'], { cwd: PROBE_DIR });
  const [output] = await Promise.all([collect(proc.output), proc.exit]);
  const line = output.split(/\r?\n/).find((l) => l.includes(PROBE_PREFIX));
  if (!line) return { report: null, output };
  try {
    return { report: JSON.parse(line.slice(line.indexOf(PROBE_PREFIX) + PROBE_PREFIX.length)), output };
  } catch {
    return { report: null, output };
  }
}

export async function probeNode(wc: WcContainer): Promise<NodeProbe> {
  await wc.mount({ [PROBE_DIR]: { directory: { 'probe.mts': { file: { contents: PROBE_SOURCE } } } } });
  try {
    let last = '';
    for (const flags of [[], ['--experimental-strip-types']]) {
      const { report, output } = await runProbe(wc, flags);
      if (report) return { ...report, tsFlags: flags };
      last = output;
    }
    const firstLine = last.split(/\r?\n/).find((l) => l.trim()) ?? 'no output';
    throw new ProbeError(
      `The in-browser Node cannot run the lab's TypeScript files directly (it needs Node 22.18 or newer with type stripping; it said: "${firstLine.trim().slice(0, 200)}"). ` +
        'Run the workbook locally with `npm start` to use the local runner instead.',
    );
  } finally {
    await wc.fs.rm(PROBE_DIR, { recursive: true, force: true }).catch(() => undefined);
  }
}

export function probeHasHeapSnapshots(p: NodeProbe): boolean {
  return p.getHeapSnapshot === 'function' && p.writeHeapSnapshot === 'function';
}
